import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Controller,
  Dependencies,
  Get,
  Injectable,
  Logger,
  Request,
  Session,
  ShutdownSignal,
  UseGuards,
  mixin,
  type CanActivate,
  type ExecutionContext,
} from 'streamnest';
import { Test } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { call } from './support.js';
import { runtimeSkip } from '../runtimes/skips.js';

function HeaderGuard(name: string) {
  class HeaderGuardMixin implements CanActivate {
    canActivate(context: ExecutionContext) {
      return context.switchToHttp().getRequest().headers[name] !== undefined;
    }
  }
  return mixin(HeaderGuardMixin);
}

@Controller('names')
class NamesController {
  @Get('a') @UseGuards(HeaderGuard('x-a')) a() {
    return 'a';
  }
  @Get('b') @UseGuards(HeaderGuard('x-b')) b() {
    return 'b';
  }
  @Get('req') req(@Request() req: Request) {
    return (req as unknown as { url: string }).url;
  }
  @Get('session') session(@Session() session: { user?: string }) {
    return session;
  }
}

test('mixin() keeps each configured guard class apart; @Request() and @Session() read the request', async (t) => {
  const { url, close } = await startApp({ controllers: [NamesController] }, (app) => {
    app.use((req: { session?: unknown }, _res: unknown, next: () => void) => {
      req.session = { user: 'ann' };
      next();
    });
  });
  t.after(close);
  assert.equal((await call(`${url}/names/a`, { headers: { 'x-a': '1' } })).text, 'a');
  assert.equal((await call(`${url}/names/a`, { headers: { 'x-b': '1' } })).status, 403);
  assert.equal((await call(`${url}/names/b`, { headers: { 'x-b': '1' } })).text, 'b');
  assert.equal((await call(`${url}/names/req?q=1`)).text, '/names/req?q=1');
  assert.deepEqual((await call(`${url}/names/session`)).body, { user: 'ann' });
});

test('@Dependencies() declares constructor tokens without decorator metadata; Logger has static methods; ShutdownSignal names signals', async () => {
  @Injectable()
  class Clock {
    now() {
      return 42;
    }
  }
  @Dependencies(Clock, 'LABEL')
  class Plain {
    constructor(
      readonly clock: Clock,
      readonly label: string,
    ) {}
  }
  Injectable()(Plain);
  const moduleRef = await Test.createTestingModule({ providers: [Clock, Plain, { provide: 'LABEL', useValue: 'L' }] }).compile();
  assert.equal(moduleRef.get(Plain).clock.now(), 42);
  assert.equal(moduleRef.get(Plain).label, 'L');
  Logger.overrideLogger(false);
  Logger.log('silent', 'Test');
  Logger.error('silent too');
  assert.equal(ShutdownSignal.SIGTERM, 'SIGTERM');
});

test(
  'app.getHttpAdapter() and the injected HttpAdapterHost know the server, before and after listen',
  runtimeSkip('core: app.getHttpAdapter() and HttpAdapterHost know the server'),
  async (t) => {
    const { HttpAdapterHost } = await import('streamnest');
    const moduleRef = await Test.createTestingModule({ controllers: [NamesController] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const server = app.getHttpServer();
    assert.equal(app.getHttpAdapter().getHttpServer(), server);
    assert.equal(app.get(HttpAdapterHost).listening, false);
    await app.listen({ port: 0, hostname: '127.0.0.1' });
    t.after(() => app.close());
    assert.equal(app.get(HttpAdapterHost).listening, true);
    assert.equal(app.get(HttpAdapterHost).httpAdapter.getHttpServer(), server);
  },
);

test('rawBody: true keeps the bytes of a parsed body on req.rawBody and @RawBody(); httpsOptions serves HTTPS from listen(port)', async (t) => {
  const { Body, Post, RawBody, NestFactory, Module } = await import('streamnest');
  const { createHmac } = await import('node:crypto');
  @Controller('hook')
  class HookController {
    @Post() hook(@Body() body: unknown, @RawBody() raw: Buffer) {
      return { body, isBuffer: Buffer.isBuffer(raw), signature: createHmac('sha256', 'k').update(raw).digest('hex') };
    }
  }
  const { url, close } = await startApp({ controllers: [HookController] }, undefined, { rawBody: true });
  t.after(close);
  const payload = '{"a":  1,"b":"é"}';
  const res = await call(`${url}/hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
  assert.deepEqual(res.body, { body: { a: 1, b: 'é' }, isBuffer: true, signature: createHmac('sha256', 'k').update(payload).digest('hex') });

  const { selfSignedCertificate } = await import('../support/tls.js');
  @Module({ controllers: [NamesController] })
  class TlsModule {}
  const app = await NestFactory.create(TlsModule, { logger: false, httpsOptions: selfSignedCertificate() });
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  assert.match(app.getUrl(), /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('a pipe given first to a custom parameter decorator runs as a pipe, as in NestJS (instance or class)', async (t) => {
  const { createParamDecorator, Injectable: Inj } = await import('streamnest');
  const Token = createParamDecorator((data: string | undefined, ctx: ExecutionContext) => data ?? ctx.switchToHttp().getRequest().headers['x-token']);
  @Inj()
  class Upper {
    transform(value: string) {
      return value.toUpperCase();
    }
  }
  @Controller('pipes-first')
  class PipesFirst {
    @Get('instance') instance(@Token(new Upper()) token: string) {
      return token;
    }
    @Get('class') byClass(@Token(Upper) token: string) {
      return token;
    }
    @Get('data') data(@Token('fixed', Upper) token: string) {
      return token;
    }
  }
  const { url, close } = await startApp({ controllers: [PipesFirst] });
  t.after(close);
  assert.equal((await call(`${url}/pipes-first/instance`, { headers: { 'x-token': 'abc' } })).text, 'ABC');
  assert.equal((await call(`${url}/pipes-first/class`, { headers: { 'x-token': 'def' } })).text, 'DEF');
  assert.equal((await call(`${url}/pipes-first/data`)).text, 'FIXED');
});

test('a NestJS HTTP adapter given to NestFactory.create() or createNestApplication() is ignored; the options after it count', async (t) => {
  const { NestFactory, Module } = await import('streamnest');
  const adapter = { getInstance: () => ({}) };
  @Module({ controllers: [NamesController] })
  class AdapterModule {}
  const app = await NestFactory.create(AdapterModule, adapter, { logger: false, nestCompatible: true });
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  assert.equal((await call(`${app.getUrl()}/names/req`, { method: 'POST' })).status, 404, 'nestCompatible from the options after the adapter');
  const moduleRef = await Test.createTestingModule({ controllers: [NamesController] }).compile();
  const testApp = moduleRef.createNestApplication(adapter, { nestCompatible: true });
  await testApp.listen(0, '127.0.0.1');
  t.after(() => testApp.close());
  assert.equal((await call(`${testApp.getUrl()}/names/req`, { method: 'POST' })).status, 404);
});

test('@Next(): the handler owns the response; next(error) goes through the filters, next() is a 404', async (t) => {
  const { Next, Res, BadRequestException } = await import('streamnest');
  @Controller('next')
  class NextController {
    @Get('answer') answer(@Res() res: ServerResponseLike, @Next() _next: (e?: unknown) => void) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('answered');
    }
    @Get('error') error(@Next() next: (e?: unknown) => void) {
      next(new BadRequestException('from next'));
    }
    @Get('pass') pass(@Next() next: (e?: unknown) => void) {
      next();
    }
  }
  const { url, close } = await startApp({ controllers: [NextController] });
  t.after(close);
  assert.equal((await call(`${url}/next/answer`)).text, 'answered');
  const error = await call(`${url}/next/error`);
  assert.equal(error.status, 400);
  assert.equal(error.body.message, 'from next');
  const passed = await call(`${url}/next/pass?x=1`);
  assert.equal(passed.status, 404);
  assert.equal(passed.body.message, 'Cannot GET /next/pass');
});

interface ServerResponseLike {
  writeHead(status: number, headers: Record<string, string>): { end(body: string): void };
}

test('@Get([...]) declares one route per path; @Optional() on an injected property; TestingModuleBuilder.setLogger()', async (t) => {
  const { Optional, Inject: Inj2, Param } = await import('streamnest');
  @Controller('many')
  class Many {
    @Get(['a', 'b/:id']) both(@Param('id') id?: string) {
      return { id: id ?? null };
    }
  }
  @Injectable()
  class WithOptionalProperty {
    @Optional() @Inj2('MISSING') readonly missing?: string;
  }
  const lines: string[] = [];
  const logger = {
    log: (m: unknown) => {
      lines.push(String(m));
    },
    error: () => {},
    warn: () => {},
  };
  const moduleRef = await Test.createTestingModule({ controllers: [Many], providers: [WithOptionalProperty] })
    .setLogger(logger)
    .compile();
  assert.equal(moduleRef.get(WithOptionalProperty).missing, undefined);
  const app = moduleRef.createNestApplication();
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  assert.deepEqual((await call(`${app.getUrl()}/many/a`)).body, { id: null });
  assert.deepEqual((await call(`${app.getUrl()}/many/b/3`)).body, { id: '3' });
  assert.ok(
    lines.some((line) => line.includes('/many/b/:id')),
    'the logger given to setLogger() hears the route mapping',
  );
});

test('a shared exception filter may ask for the RPC or WebSocket host: it compiles, and on HTTP they hold nothing', async (t) => {
  const { Catch: C2 } = await import('streamnest');
  @C2()
  class SharedFilter {
    catch(_exception: unknown, host: import('streamnest').ArgumentsHost) {
      const ws = host.switchToWs().getClient();
      const rpc = host.switchToRpc().getData();
      host
        .switchToHttp()
        .getResponse()
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ type: host.getType(), ws: ws ?? null, rpc: rpc ?? null }));
    }
  }
  @Controller('shared')
  class SharedController {
    @Get() get() {
      throw new Error('x');
    }
  }
  const { url, close } = await startApp({ controllers: [SharedController] }, (app) => {
    app.useGlobalFilters(new SharedFilter());
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/shared`)).body, { type: 'http', ws: null, rpc: null });
});
