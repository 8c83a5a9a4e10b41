import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequestException,
  BaseExceptionFilter,
  Catch,
  Controller,
  Errors,
  ForbiddenException,
  Get,
  HttpAdapter,
  HttpAdapterHost,
  HttpException,
  Injectable,
  Module,
  Res,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
  type HttpServer,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call, CaptureLogger, rawRequest } from './support.js';

@Injectable()
class Audit {
  readonly seen: string[] = [];
}

/** The NestJS pattern: note the exception, then let the default handling answer. */
@Catch()
class AuditingFilter extends BaseExceptionFilter {
  constructor(private readonly audit: Audit) {
    super();
  }
  override catch(exception: unknown, host: ArgumentsHost) {
    this.audit.seen.push(exception instanceof Error ? exception.name : typeof exception);
    super.catch(exception, host);
  }
}

/** Without a constructor of its own, built by the container with nothing to inject. */
@Catch(BadRequestException)
class ForbidBadRequests extends BaseExceptionFilter {
  override catch(exception: BadRequestException, host: ArgumentsHost) {
    super.catch(new ForbiddenException(`was: ${exception.message}`), host);
  }
}

/** The NestJS docs' catch-all, written against the adapter rather than the response object. */
@Catch()
class AdapterFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}
  catch(exception: unknown, host: ArgumentsHost) {
    const { httpAdapter } = this.adapterHost;
    const ctx = host.switchToHttp();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    httpAdapter.reply(
      ctx.getResponse(),
      {
        statusCode: status,
        path: httpAdapter.getRequestUrl(ctx.getRequest()),
        method: httpAdapter.getRequestMethod(ctx.getRequest()),
        host: httpAdapter.getRequestHostname(ctx.getRequest()),
      },
      status,
    );
  }
}

@Controller('b')
class FailingController {
  @Get('http') http() {
    throw new HttpException('plain words', 409);
  }
  @Get('object') object() {
    throw new HttpException({ code: 'E1' }, 422);
  }
  @Get('bad') bad() {
    throw new BadRequestException('no');
  }
  @Get('unknown') unknown() {
    throw new Error('secret detail');
  }
  @Get('http-error') httpError() {
    throw Object.assign(new Error('Gone away'), { statusCode: 410, expose: true });
  }
  @Get('backend') backend() {
    throw Errors.PUBLISH_TIMEOUT('news', 5000);
  }
}

@Controller('audited')
@UseFilters(AuditingFilter, ForbidBadRequests)
class AuditedController extends FailingController {}

@Controller('adapter')
@UseFilters(AdapterFilter)
class AdapterController {
  @Get('fail') fail() {
    throw new ForbiddenException();
  }
}

@Module({ providers: [Audit], controllers: [AuditedController, AdapterController, FailingController], exports: [Audit] })
class AppModule {}

test('a filter extending BaseExceptionFilter gets exactly the default response from super.catch()', async (t) => {
  const logger = new CaptureLogger();
  const { app, url, close } = await startApp({ imports: [AppModule] }, undefined, { logger });
  t.after(close);
  const pairs: Array<[string, number, string]> = [
    ['http', 409, '{"statusCode":409,"message":"plain words"}'],
    ['object', 422, '{"code":"E1"}'],
    ['unknown', 500, '{"statusCode":500,"message":"Internal server error"}'],
    ['http-error', 410, '{"statusCode":410,"message":"Gone away"}'],
  ];
  for (const [path, status, text] of pairs) {
    const filtered = await call(`${url}/audited/${path}`);
    const unfiltered = await call(`${url}/b/${path}`);
    assert.equal(filtered.status, status, path);
    assert.equal(filtered.text, text, path);
    assert.equal(unfiltered.text, text, path);
    assert.equal(filtered.headers.get('content-type'), unfiltered.headers.get('content-type'));
  }
  const backend = await call(`${url}/audited/backend`);
  assert.equal(backend.status, 503);
  assert.equal(backend.headers.get('retry-after'), '2');
  assert.deepEqual(app.get(Audit).seen, ['HttpException', 'HttpException', 'Error', 'Error', 'StreamnestError']);
  assert.match(logger.text(), /secret detail/);
  // The more specific filter (listed last on the class) answers BadRequestException its own way.
  assert.deepEqual((await call(`${url}/audited/bad`)).body, { message: 'was: no', error: 'Forbidden', statusCode: 403 });
});

test("a global BaseExceptionFilter built with the HttpAdapterHost's adapter, NestJS-style, also answers 404s", async (t) => {
  const seen: string[] = [];
  @Catch()
  class AllExceptionsFilter extends BaseExceptionFilter {
    override catch(exception: unknown, host: ArgumentsHost) {
      seen.push((exception as Error).message);
      super.catch(exception, host);
    }
  }
  const { url, close } = await startApp({ controllers: [FailingController] }, (app) => {
    const { httpAdapter } = app.get(HttpAdapterHost);
    app.useGlobalFilters(new AllExceptionsFilter(httpAdapter));
  });
  t.after(close);
  assert.equal((await call(`${url}/nowhere`)).text, '{"message":"Cannot GET /nowhere","error":"Not Found","statusCode":404}');
  assert.equal((await call(`${url}/b/http`)).text, '{"statusCode":409,"message":"plain words"}');
  assert.deepEqual(seen, ['Cannot GET /nowhere', 'plain words']);
});

test('BaseExceptionFilter given another HttpServer writes through it', async (t) => {
  const calls: string[] = [];
  const recording: HttpServer<IncomingMessage, ServerResponse> = {
    reply(res, body, status) {
      calls.push(`reply ${status} ${JSON.stringify(body)}`);
      res.statusCode = status!;
      res.end(`recorded:${JSON.stringify(body)}`);
    },
    status(res, code) {
      res.statusCode = code;
    },
    end(res) {
      calls.push('end');
      res.end();
    },
    isHeadersSent(res) {
      return res.headersSent;
    },
    setHeader(res, name, value) {
      calls.push(`header ${name}=${value}`);
      res.setHeader(name, value);
    },
  };
  const { url, close } = await startApp({ controllers: [FailingController] }, (app) => {
    app.useGlobalFilters(new BaseExceptionFilter(recording));
  });
  t.after(close);
  const res = await call(`${url}/b/http`);
  assert.equal(res.status, 409);
  assert.equal(res.text, 'recorded:{"statusCode":409,"message":"plain words"}');
  assert.equal((await call(`${url}/b/backend`)).headers.get('retry-after'), '2');
  assert.deepEqual(calls, [
    'reply 409 {"statusCode":409,"message":"plain words"}',
    'header Retry-After=2',
    'reply 503 {"statusCode":503,"message":"The event backend is unavailable; retry shortly."}',
  ]);
});

test('HttpAdapterHost is injectable; its adapter reads the request and replies', async (t) => {
  const { url, close } = await startApp({ controllers: [AdapterController] });
  t.after(close);
  // fetch will not send a Host of our choosing, so the request is written by hand.
  const raw = await rawRequest(url, 'GET /adapter/fail?x=1 HTTP/1.1\r\nHost: api.example.com:8443\r\nConnection: close\r\n\r\n');
  assert.match(raw, /^HTTP\/1\.1 403 /);
  assert.deepEqual(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)), { statusCode: 403, path: '/adapter/fail?x=1', method: 'GET', host: 'api.example.com' });
});

test('HttpAdapter: reply by kind, status, headers, end, redirect, hostnames, and the server once attached', async (t) => {
  const adapter = new HttpAdapter();
  @Controller('h')
  class AdapterDriven {
    @Get('json') json(@Res() res: ServerResponse) {
      adapter.reply(res, { ok: true }, 201);
    }
    @Get('text') text(@Res() res: ServerResponse) {
      adapter.status(res, 202);
      adapter.reply(res, 'words');
    }
    @Get('error-json') errorJson(@Res() res: ServerResponse) {
      res.setHeader('Content-Type', 'text/html');
      adapter.reply(res, { statusCode: 400, message: 'x' }, 400);
    }
    @Get('headers') headers(@Res() res: ServerResponse) {
      adapter.setHeader(res, 'X-One', '1');
      adapter.appendHeader(res, 'X-Many', 'a');
      adapter.appendHeader(res, 'X-Many', 'b');
      res.setHeader('X-Sent-Before', String(adapter.isHeadersSent(res)));
      adapter.end(res, `header ${adapter.getHeader(res, 'X-One')}`);
    }
    @Get('redirect') redirect(@Res() res: ServerResponse) {
      adapter.redirect(res, 307, '/elsewhere');
    }
  }
  const { url, close } = await startApp({ controllers: [AdapterDriven] });
  t.after(close);
  const json = await call(`${url}/h/json`);
  assert.equal(json.status, 201);
  assert.deepEqual(json.body, { ok: true });
  const text = await call(`${url}/h/text`);
  assert.equal(text.status, 202);
  assert.equal(text.text, 'words');
  assert.match(text.headers.get('content-type')!, /^text\/plain/);
  const errorJson = await call(`${url}/h/error-json`);
  assert.match(errorJson.headers.get('content-type')!, /^application\/json/);
  const headers = await call(`${url}/h/headers`);
  assert.equal(headers.text, 'header 1');
  assert.equal(headers.headers.get('x-many'), 'a, b');
  assert.equal(headers.headers.get('x-sent-before'), 'false');
  const redirect = await fetch(`${url}/h/redirect`, { redirect: 'manual' });
  assert.equal(redirect.status, 307);
  assert.equal(redirect.headers.get('location'), '/elsewhere');

  const hostOf = (headers: Record<string, string>) => adapter.getRequestHostname({ headers } as never);
  assert.equal(hostOf({ host: 'example.com' }), 'example.com');
  assert.equal(hostOf({ host: '[::1]:3000' }), '[::1]');
  assert.equal(hostOf({ ':authority': 'h2.example.com:443' }), 'h2.example.com');
  assert.equal(hostOf({}), '');
  assert.equal(adapter.getRequestUrl({ url: '/after-mount', originalUrl: '/api/after-mount' } as never), '/api/after-mount');
  assert.equal(adapter.getType(), 'streamnest');
  assert.equal(adapter.getHttpServer(), undefined);
  assert.equal(adapter.getInstance(), undefined);
  const server = { listening: true };
  adapter.setHttpServer(server);
  adapter.setInstance('app');
  assert.equal(adapter.getHttpServer(), server);
  assert.equal(adapter.getInstance(), 'app');
  const host = new HttpAdapterHost();
  assert.ok(host.httpAdapter instanceof HttpAdapter);
  assert.equal(host.listening, false);
  host.httpAdapter = adapter;
  assert.equal(host.httpAdapter, adapter);
});
