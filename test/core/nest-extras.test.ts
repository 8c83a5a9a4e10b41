import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Observable } from 'rxjs';
import {
  ModuleRef,
  Controller,
  Get,
  ParseDatePipe,
  Query,
  RequestMapping,
  RequestMethod,
  Sse,
  SseSignal,
  filterLogLevels,
  LOG_LEVELS,
  type MessageEvent,
  type StreamnestError,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call, eventually } from './support.js';
import { openSse } from '../support/sse-reader.js';

const signals: AbortSignal[] = [];

@Controller('extras')
class ExtrasController {
  @Get('date') date(@Query('at', ParseDatePipe) at: Date) {
    return { iso: at.toISOString() };
  }
  @Get('maybe') maybe(@Query('at', new ParseDatePipe({ optional: true, default: () => new Date(0) })) at: Date) {
    return { iso: at.toISOString() };
  }
  @RequestMapping({ path: 'mapped', method: RequestMethod.POST }) mapped() {
    return 'mapped';
  }
  @RequestMapping({ path: 'default' }) byDefault() {
    return 'GET by default';
  }
  @Sse('signal') signal(@SseSignal() signal: AbortSignal): Observable<MessageEvent> {
    signals.push(signal);
    return new Observable<MessageEvent>((subscriber) => {
      subscriber.next({ data: 'hi' });
    });
  }
}

test("ParseDatePipe: a date or a timestamp becomes a Date; missing or invalid is a 400 with NestJS's message; optional gives the default", async (t) => {
  const { url, close } = await startApp({ controllers: [ExtrasController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/extras/date?at=2026-11-27T06:00:00Z`)).body, { iso: '2026-11-27T06:00:00.000Z' });
  const missing = await call(`${url}/extras/date`);
  assert.equal(missing.status, 400);
  assert.equal(missing.body.message, 'Validation failed (no Date provided)');
  const invalid = await call(`${url}/extras/date?at=yesterday`);
  assert.equal(invalid.body.message, 'Validation failed (invalid date format)');
  assert.deepEqual((await call(`${url}/extras/maybe`)).body, { iso: '1970-01-01T00:00:00.000Z' });
});

test('@RequestMapping({ path, method }); a value that is no RequestMethod is refused where it is declared', async (t) => {
  const { url, close } = await startApp({ controllers: [ExtrasController] });
  t.after(close);
  assert.equal((await call(`${url}/extras/mapped`, { method: 'POST' })).text, 'mapped');
  assert.equal((await call(`${url}/extras/default`)).text, 'GET by default');
  assert.throws(
    () => RequestMapping({ path: 'x', method: 99 as RequestMethod }),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_ARGUMENT' && /99/.test(error.message),
  );
});

test('@SseSignal() aborts when the client goes away', async (t) => {
  const { url, close } = await startApp({ controllers: [ExtrasController] });
  t.after(close);
  const stream = await openSse(`${url}/extras/signal`);
  await stream.waitFor((text) => text.includes('data: hi'));
  const signal = signals.at(-1)!;
  assert.equal(signal.aborted, false);
  stream.close();
  await eventually(() => signal.aborted, 'the signal to abort');
});

test('filterLogLevels and LOG_LEVELS, as NestJS reads a level setting', () => {
  assert.deepEqual([...LOG_LEVELS], ['verbose', 'debug', 'log', 'warn', 'error', 'fatal']);
  assert.deepEqual(filterLogLevels('>warn'), ['error', 'fatal']);
  assert.deepEqual(filterLogLevels('>=warn'), ['warn', 'error', 'fatal']);
  assert.deepEqual(filterLogLevels('log, ERROR, nonsense'), ['log', 'error']);
  assert.deepEqual(filterLogLevels('debug'), ['debug']);
  assert.deepEqual(filterLogLevels(''), [...LOG_LEVELS]);
  assert.throws(
    () => filterLogLevels('>loud'),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_ARGUMENT',
  );
});

test('@Bind() applies parameter decorators by position; a custom decorator applies its enhancers; ModuleRef.introspect() tells a scope', async (t) => {
  const { Bind, Param, Req, createParamDecorator, Injectable, Scope, Module, NestFactory, REQUEST, Inject } = await import('streamnest');
  const marked: number[] = [];
  const Marked = createParamDecorator(
    (_d: unknown, ctx) => ctx.switchToHttp().getRequest().url,
    [
      (_t, _k, index) => {
        marked.push(index);
      },
    ],
  );
  class BoundController {
    show(req: { url: string }, id: string, url: string) {
      return { url: req.url, id, marked: url };
    }
  }
  Bind(Req(), Param('id'), Marked())(BoundController.prototype, 'show', Object.getOwnPropertyDescriptor(BoundController.prototype, 'show')!);
  Get(':id')(BoundController.prototype, 'show', Object.getOwnPropertyDescriptor(BoundController.prototype, 'show')!);
  Controller('bound')(BoundController);
  assert.deepEqual(marked, [2]);
  const { url, close } = await startApp({ controllers: [BoundController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/bound/7`)).body, { url: '/bound/7', id: '7', marked: '/bound/7' });

  @Injectable()
  class Plain {}
  @Injectable({ scope: Scope.TRANSIENT })
  class Each {}
  @Injectable()
  class PerRequest {
    constructor(@Inject(REQUEST) readonly req: unknown) {}
  }
  @Injectable()
  class Asker {
    constructor(readonly moduleRef: ModuleRef) {}
  }
  @Module({ providers: [Plain, Each, PerRequest, Asker] })
  class M {}
  const context = await NestFactory.createApplicationContext(M, { logger: false });
  const ref = context.get(Asker).moduleRef;
  assert.deepEqual(
    [Plain, Each, PerRequest].map((token) => ref.introspect(token).scope),
    [Scope.DEFAULT, Scope.TRANSIENT, Scope.REQUEST],
  );
  await context.close();
});

test('get() and resolve() with { each: true } give every provider declared for a token', async () => {
  const { Module, NestFactory, Injectable } = await import('streamnest');
  @Injectable()
  class Holder {
    constructor(readonly moduleRef: ModuleRef) {}
  }
  @Module({ providers: [{ provide: 'PLUGIN', useValue: 'inner' }], exports: ['PLUGIN'] })
  class Inner {}
  @Module({ imports: [Inner], providers: [{ provide: 'PLUGIN', useValue: 'outer' }, Holder] })
  class Outer {}
  const context = await NestFactory.createApplicationContext(Outer, { logger: false });
  assert.deepEqual(context.get('PLUGIN', { each: true }).sort(), ['inner', 'outer']);
  assert.deepEqual((await context.resolve<string>('PLUGIN', undefined, { each: true })).sort(), ['inner', 'outer']);
  assert.deepEqual(context.get(Holder).moduleRef.get('PLUGIN', { each: true }).sort(), ['inner', 'outer']);
  assert.equal(context.get(Holder).moduleRef.get('PLUGIN'), 'outer', "without each, the module's own");
  await context.close();
});

test('WebDAV and QUERY method decorators route those methods; a wrong method on their path lists them in Allow', async (t) => {
  const { Search, Propfind, QueryMethod, Body } = await import('streamnest');
  @Controller('dav')
  class DavController {
    @Search('items') search() {
      return 'searched';
    }
    @Propfind('items') props() {
      return 'props';
    }
    @QueryMethod('items') query(@Body() body: unknown) {
      return { query: body };
    }
  }
  const { url, close } = await startApp({ controllers: [DavController] });
  t.after(close);
  const { rawRequest } = await import('./support.js');
  const { host } = new URL(url);
  const send = (method: string, body = '') =>
    rawRequest(
      url,
      `${method} /dav/items HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  assert.match(await send('SEARCH'), /^HTTP\/1\.1 200[\s\S]*searched$/);
  assert.match(await send('PROPFIND'), /^HTTP\/1\.1 200[\s\S]*props$/);
  assert.match(await send('QUERY', '{"q":1}'), /^HTTP\/1\.1 200[\s\S]*\{"query":\{"q":1\}\}$/);
  const wrong = await call(`${url}/dav/items`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'SEARCH, PROPFIND, QUERY');
});
