import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import {
  BadGatewayException,
  Controller,
  Get,
  HttpException,
  Injectable,
  Param,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

const trail: string[] = [];

class Tag implements NestInterceptor {
  constructor(private readonly name: string) {}
  async intercept(_ctx: ExecutionContext, next: CallHandler) {
    trail.push(`${this.name}:before`);
    const result = await next.handle();
    trail.push(`${this.name}:after`);
    return result;
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler) {
    return next.handle().then((data) => ({ data, handler: ctx.getHandler().name }));
  }
}

class HeaderInterceptor implements NestInterceptor {
  async intercept(ctx: ExecutionContext, next: CallHandler) {
    ctx.switchToHttp().getResponse<ServerResponse>().setHeader('X-Intercepted', '1');
    return next.handle();
  }
}

class CacheInterceptor implements NestInterceptor {
  intercept(_ctx: ExecutionContext, _next: CallHandler) {
    return { cached: true };
  }
}

class ErrorMappingInterceptor implements NestInterceptor {
  async intercept(_ctx: ExecutionContext, next: CallHandler) {
    try {
      return await next.handle();
    } catch (error) {
      throw new BadGatewayException(`upstream: ${(error as Error).message}`);
    }
  }
}

class ObservableInterceptor implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler) {
    return {
      subscribe(o: { next(v: unknown): void; error(e: unknown): void; complete(): void }) {
        next.handle().then(
          (v) => {
            o.next({ observed: v });
            o.complete();
          },
          (e) => o.error(e),
        );
      },
    };
  }
}

let handlerRuns = 0;

@Controller('i')
@UseInterceptors(new Tag('class'))
class InterceptedController {
  @Get('order') @UseInterceptors(new Tag('method')) order() {
    trail.push('handler');
    return 'ok';
  }
  @Get('wrap/:id') @UseInterceptors(WrapInterceptor) wrap(@Param('id') id: string) {
    return { id };
  }
  @Get('header') @UseInterceptors(new HeaderInterceptor()) header() {
    return 'h';
  }
  @Get('cache') @UseInterceptors(new CacheInterceptor()) cache() {
    handlerRuns++;
    return 'fresh';
  }
  @Get('map') @UseInterceptors(new ErrorMappingInterceptor()) map() {
    throw new Error('db down');
  }
  @Get('observable') @UseInterceptors(new ObservableInterceptor()) observable() {
    return 1;
  }
  @Get('throws')
  @UseInterceptors({
    intercept: () => {
      throw new Error('interceptor bug');
    },
  })
  throws() {
    return 'never';
  }
  @Get('rejects-after')
  @UseInterceptors({
    intercept: async (_c: ExecutionContext, n: CallHandler) => {
      await n.handle();
      throw new HttpException('after the handler', 418);
    },
  })
  after() {
    return 'lost';
  }
}

test('interceptors wrap the handler: global, then class, then method, unwinding in reverse', async (t) => {
  const { url, close } = await startApp({ controllers: [InterceptedController] }, (app) => {
    app.useGlobalInterceptors(new Tag('global'));
  });
  t.after(close);
  trail.length = 0;
  assert.equal((await call(`${url}/i/order`)).text, 'ok');
  assert.deepEqual(trail, ['global:before', 'class:before', 'method:before', 'handler', 'method:after', 'class:after', 'global:after']);
});

test('an interceptor (a class with DI) can transform the result, and sees the context', async (t) => {
  const { url, close } = await startApp({ controllers: [InterceptedController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/i/wrap/3`)).body, { data: { id: '3' }, handler: 'wrap' });
});

test('an interceptor can set response headers, or answer without calling the handler', async (t) => {
  const { url, close } = await startApp({ controllers: [InterceptedController] });
  t.after(close);
  assert.equal((await call(`${url}/i/header`)).headers.get('x-intercepted'), '1');
  handlerRuns = 0;
  assert.deepEqual((await call(`${url}/i/cache`)).body, { cached: true });
  assert.equal(handlerRuns, 0);
});

test('an interceptor can map a handler error to an HttpException', async (t) => {
  const { url, close } = await startApp({ controllers: [InterceptedController] });
  t.after(close);
  const res = await call(`${url}/i/map`);
  assert.equal(res.status, 502);
  assert.equal(res.body.message, 'upstream: db down');
});

test('an Observable-like from intercept() is accepted', async (t) => {
  const { url, close } = await startApp({ controllers: [InterceptedController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/i/observable`)).body, { observed: 1 });
});

test('a throwing interceptor is a 500 (or its own status), never a crash; the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [InterceptedController] });
  t.after(close);
  const res = await call(`${url}/i/throws`);
  assert.equal(res.status, 500);
  assert.doesNotMatch(res.text, /interceptor bug/);
  const after = await call(`${url}/i/rejects-after`);
  assert.equal(after.status, 418);
  assert.equal(after.body.message, 'after the handler');
  assert.equal((await call(`${url}/i/header`)).text, 'h');
});
