import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Observable, catchError, map, of, tap, throwError, timeout, TimeoutError, interval, take } from 'rxjs';
import {
  BadRequestException,
  Controller,
  Get,
  Injectable,
  Param,
  ParseIntPipe,
  RequestTimeoutException,
  Sse,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';
import { openSse } from '../support/sse-reader.js';

const log: string[] = [];

@Injectable()
class LoggingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest();
    log.push(`before ${req.url}`);
    return next.handle().pipe(tap({ next: () => log.push(`after ${req.url}`), error: () => log.push(`error ${req.url}`) }));
  }
}

@Injectable()
class TransformInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<{ data: unknown }> {
    return next.handle().pipe(map((data) => ({ data })));
  }
}

@Injectable()
class ErrorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error) => throwError(() => new BadRequestException(`seen by catchError: ${error.message}`))));
  }
}

@Injectable()
class TimeoutInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      timeout(50),
      catchError((error) => (error instanceof TimeoutError ? throwError(() => new RequestTimeoutException()) : throwError(() => error))),
    );
  }
}

@Injectable()
class CacheInterceptor implements NestInterceptor {
  intercept(): Observable<unknown> {
    return of(['cached']);
  }
}

@Injectable()
class UpperEvents implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((event: { data: string }) => ({ data: event.data.toUpperCase() })));
  }
}

@Controller('rx')
@UseInterceptors(LoggingInterceptor)
class RxController {
  @Get('cats') @UseInterceptors(TransformInterceptor) cats() {
    return ['Tom'];
  }
  @Get('cats/:id') @UseInterceptors(ErrorsInterceptor) one(@Param('id', ParseIntPipe) id: number) {
    return { id };
  }
  @Get('logged/:id') logged(@Param('id', ParseIntPipe) id: number) {
    return { id };
  }
  @Get('slow') @UseInterceptors(TimeoutInterceptor) slow() {
    return new Promise((resolve) => setTimeout(() => resolve('late'), 500));
  }
  @Get('fast') @UseInterceptors(TimeoutInterceptor) fast() {
    return 'quick';
  }
  @Get('cached') @UseInterceptors(CacheInterceptor) cached() {
    throw new Error('the handler must not run');
  }
  @Get('observable') @UseInterceptors(TransformInterceptor) observable() {
    return of(1, 2, 3);
  }
  @Sse('events') @UseInterceptors(UpperEvents) events() {
    return interval(5).pipe(
      take(3),
      map((i) => ({ data: `event ${i}` })),
    );
  }
}

test('next.handle() is an rxjs Observable: map, tap, catchError and timeout work as in NestJS', async (t) => {
  const { url, close } = await startApp({ controllers: [RxController], providers: [LoggingInterceptor] });
  t.after(close);
  assert.deepEqual((await call(`${url}/rx/cats`)).body, { data: ['Tom'] });
  assert.deepEqual((await call(`${url}/rx/cached`)).body, ['cached']);
  assert.deepEqual((await call(`${url}/rx/observable`)).body, { data: 3 }, 'a handler Observable sends its last value');
  assert.equal((await call(`${url}/rx/fast`)).text, 'quick');
  const slow = await call(`${url}/rx/slow`);
  assert.equal(slow.status, 408);
});

test('pipes run inside the interceptors: catchError sees a pipe 400, and a logging interceptor runs for it', async (t) => {
  const { url, close } = await startApp({ controllers: [RxController], providers: [LoggingInterceptor] });
  t.after(close);
  const mapped = await call(`${url}/rx/cats/abc`);
  assert.equal(mapped.status, 400);
  assert.match(String((mapped.body as { message: string }).message), /^seen by catchError: Validation failed/);
  log.length = 0;
  const failed = await call(`${url}/rx/logged/abc`);
  assert.equal(failed.status, 400);
  assert.deepEqual(log, ['before /rx/logged/abc', 'error /rx/logged/abc']);
  log.length = 0;
  assert.deepEqual((await call(`${url}/rx/logged/7`)).body, { id: 7 });
  assert.deepEqual(log, ['before /rx/logged/7', 'after /rx/logged/7']);
});

test('on an SSE route an interceptor maps every event of the handler Observable', async (t) => {
  const { url, close } = await startApp({ controllers: [RxController], providers: [LoggingInterceptor] });
  t.after(close);
  const stream = await openSse(`${url}/rx/events`);
  t.after(() => stream.close());
  await stream.ended;
  const data = stream
    .text()
    .split('\n')
    .filter((line) => line.startsWith('data: '));
  assert.deepEqual(data, ['data: EVENT 0', 'data: EVENT 1', 'data: EVENT 2']);
});

test('a handler Observable that never completes (behind an interceptor) is unsubscribed when the client goes away', async (t) => {
  let active = 0;
  const endless = new Observable<number>((subscriber) => {
    active++;
    const timer = setInterval(() => subscriber.next(1), 10);
    return () => {
      active--;
      clearInterval(timer);
    };
  });
  @Controller('endless')
  @UseInterceptors(LoggingInterceptor)
  class EndlessController {
    @Get() get() {
      return endless;
    }
  }
  const { url, close } = await startApp({ controllers: [EndlessController], providers: [LoggingInterceptor] });
  t.after(close);
  const aborted = new AbortController();
  const request = fetch(`${url}/endless`, { signal: aborted.signal }).catch(() => 'aborted');
  const { eventually } = await import('./support.js');
  await eventually(() => active === 1, 'the handler Observable to be subscribed');
  aborted.abort();
  assert.equal(await request, 'aborted');
  await eventually(() => active === 0, 'the subscription to end with the request');
});

test('hostile values through the rxjs chain: a thrown null, an Observable erroring with a BigInt, a handler Observable of a circular object: 500s, and the server keeps serving', async (t) => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  @Controller('hostile-rx')
  @UseInterceptors(LoggingInterceptor)
  class HostileController {
    @Get('null')
    @UseInterceptors({
      intercept: () => {
        throw null;
      },
    })
    thrownNull() {
      return 'never';
    }
    @Get('bigint') @UseInterceptors({ intercept: () => throwError(() => 10n) }) bigint() {
      return 'never';
    }
    @Get('circular') circular() {
      return of(circular);
    }
    @Get('ok') ok() {
      return 'ok';
    }
  }
  const { url, close } = await startApp({ controllers: [HostileController], providers: [LoggingInterceptor] });
  t.after(close);
  for (const path of ['null', 'bigint', 'circular']) {
    const res = await call(`${url}/hostile-rx/${path}`);
    assert.equal(res.status, 500, path);
    assert.deepEqual(res.body, { statusCode: 500, message: 'Internal server error' }, path);
  }
  assert.equal((await call(`${url}/hostile-rx/ok`)).text, 'ok');
});
