// Ordinary handler mistakes must cost one response, never the process: a
// circular object or a BigInt to serialise, an @Sse handler returning the
// wrong thing, an Observable whose subscribe throws, and any thrown value at
// all (null, undefined, an object without a prototype, a BigInt, a symbol, a
// Proxy that throws on every read) from a guard, a pipe, an interceptor, a
// filter, a middleware, a handler or an SSE source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Catch,
  Controller,
  Get,
  Injectable,
  Param,
  Sse,
  UseFilters,
  UseGuards,
  UseInterceptors,
  getSSEStream,
  type CanActivate,
  type ExceptionFilter,
  type NestInterceptor,
  type PipeTransform,
  type SSEMessageEvent,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call, CaptureLogger, eventually } from '../core/support.js';
import { openSse } from '../support/sse-reader.js';

/** Values that break naive error handling: `String(x)` throws on some, `JSON.stringify` on others. */
const HOSTILE: Record<string, () => unknown> = {
  null: () => null,
  undefined: () => undefined,
  'no-prototype': () => Object.create(null),
  'no-prototype-with-message': () => Object.assign(Object.create(null), { message: 42 }),
  bigint: () => 10n ** 30n,
  symbol: () => Symbol('thrown'),
  'throwing-proxy': () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('proxy trap');
        },
        getPrototypeOf() {
          throw new Error('proxy trap');
        },
      },
    ),
  'error-with-throwing-message': () =>
    Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('getter');
      },
    }),
};
const kinds = Object.keys(HOSTILE);
const pick = (kind: string) => HOSTILE[kind]!();

function circular() {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  return a;
}

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(ctx: any): boolean {
    throw pick(ctx.switchToHttp().getRequest().params.kind);
  }
}

@Injectable()
class ThrowingPipe implements PipeTransform {
  transform(value: string) {
    throw pick(value);
  }
}

@Injectable()
class ThrowingInterceptor implements NestInterceptor {
  async intercept(ctx: any) {
    throw pick(ctx.switchToHttp().getRequest().params.kind);
  }
}

@Catch()
class ThrowingFilter implements ExceptionFilter {
  catch(exception: unknown) {
    throw exception;
  }
}

/** An Observable-like whose subscribe throws at once. */
const badObservable = (value: unknown) => ({
  subscribe() {
    throw value;
  },
});

@Controller('crash')
class CrashController {
  @Get('async-circular') async asyncCircular() {
    await Promise.resolve();
    return circular();
  }
  @Get('sync-circular') syncCircular() {
    return circular();
  }
  @Get('async-bigint') async asyncBigint() {
    await Promise.resolve();
    return { n: 1n };
  }
  @Get('sync-bigint') syncBigint() {
    return { n: 1n };
  }
  @Get('throwing-tojson') async throwingToJson() {
    return {
      toJSON() {
        throw Object.create(null);
      },
    };
  }
  @Get('throw/:kind') throws(@Param('kind') kind: string) {
    throw pick(kind);
  }
  @Get('async-throw/:kind') async asyncThrows(@Param('kind') kind: string) {
    await Promise.resolve();
    throw pick(kind);
  }
  @Get('reject-thenable/:kind') thenable(@Param('kind') kind: string) {
    return {
      // biome-ignore lint/suspicious/noThenProperty: the route returns a thenable that rejects, on purpose
      then(_ok: unknown, fail: (e: unknown) => void) {
        fail(pick(kind));
      },
    };
  }
  @Get('guard/:kind') @UseGuards(ThrowingGuard) guarded() {
    return 'unreachable';
  }
  @Get('pipe/:kind') piped(@Param('kind', ThrowingPipe) _kind: string) {
    return 'unreachable';
  }
  @Get('interceptor/:kind') @UseInterceptors(ThrowingInterceptor) intercepted() {
    return 'unreachable';
  }
  @Get('filter/:kind') @UseFilters(ThrowingFilter) filtered(@Param('kind') kind: string) {
    throw pick(kind);
  }
  @Get('ok') ok() {
    return 'still alive';
  }

  @Sse('sse/async-wrong-type') async sseWrongType() {
    await Promise.resolve();
    return 42;
  }
  @Sse('sse/sync-wrong-type') sseSyncWrongType() {
    return null;
  }
  @Sse('sse/async-subscribe-throws/:kind') async sseAsyncSubscribe(@Param('kind') kind: string) {
    await Promise.resolve();
    return badObservable(pick(kind));
  }
  @Sse('sse/sync-subscribe-throws/:kind') sseSyncSubscribe(@Param('kind') kind: string) {
    return badObservable(pick(kind));
  }
  @Sse('sse/generator-throws/:kind') async *sseGenerator(@Param('kind') kind: string): AsyncGenerator<SSEMessageEvent> {
    yield { data: 'first' };
    throw pick(kind);
  }
  @Sse('sse/bigint-event') async *sseBigint(): AsyncGenerator<SSEMessageEvent> {
    yield { data: 'first' };
    yield { data: { n: 1n } as never };
  }
  @Sse('sse/circular-event') async *sseCircular(): AsyncGenerator<SSEMessageEvent> {
    yield { data: circular() };
  }
  @Sse('sse/bad-unsubscribe') badUnsubscribe() {
    return {
      subscribe(o: { next(v: SSEMessageEvent): void }) {
        o.next({ data: 'hi' });
        return {
          unsubscribe() {
            throw Object.create(null);
          },
        };
      },
    };
  }
  @Sse('sse/weird-subscription') weirdSubscription() {
    return {
      subscribe(o: { next(v: SSEMessageEvent): void }) {
        o.next({ data: 'hi' });
        return 42;
      },
    };
  }
  @Sse('sse/bad-return') badReturn() {
    const iterator = {
      n: 0,
      next: () => new Promise<IteratorResult<SSEMessageEvent>>((r) => setTimeout(() => r({ done: false, value: { data: 'tick' } }), 20)),
      return() {
        throw Object.create(null);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
  @Sse('sse/late-bad-return') async lateBadReturn() {
    // The client leaves while this handler still works: the teardown then runs at once, when the source is attached.
    await new Promise((r) => setTimeout(r, 150));
    const iterator = {
      next: () => Promise.resolve({ done: false, value: { data: 'never' } }),
      return() {
        throw Object.create(null);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
  @Sse('sse/cancel-throws') cancelThrows() {
    const stream = getSSEStream({
      cancel() {
        throw Object.create(null);
      },
    });
    stream.write({ data: 'hi' });
    return stream.body;
  }
}

/** Records anything that would have crashed the process (these listeners also keep it alive, so the test can report it). */
function watchProcess(t: { after(fn: () => void): void }) {
  const fatal: string[] = [];
  const onRejection = (reason: unknown) => {
    fatal.push(`unhandledRejection: ${describe(reason)}`);
  };
  const onException = (error: unknown) => {
    fatal.push(`uncaughtException: ${describe(error)}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  t.after(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });
  return fatal;
}

function describe(value: unknown): string {
  try {
    return value instanceof Error ? value.message : typeof value;
  } catch {
    return 'unprintable';
  }
}

async function crashApp(t: { after(fn: () => unknown): void }) {
  const logger = new CaptureLogger();
  const app = await startApp(
    { controllers: [CrashController], providers: [ThrowingGuard, ThrowingPipe, ThrowingInterceptor] },
    (a) => {
      a.use('/mw', (req: IncomingMessage, _res: ServerResponse, next: (e?: unknown) => void) => {
        try {
          next(pick(req.url!.slice(1)));
        } catch {
          next();
        }
      });
      a.use('/mw-throws', (req: IncomingMessage) => {
        throw pick(req.url!.slice(1));
      });
    },
    { logger },
  );
  t.after(app.close);
  return { ...app, logger };
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 30));
}

test('serialising a circular object, a BigInt or a throwing toJSON is a 500, sync or async, and the process lives', async (t) => {
  const fatal = watchProcess(t);
  const { url, logger } = await crashApp(t);
  for (const route of ['async-circular', 'sync-circular', 'async-bigint', 'sync-bigint', 'throwing-tojson']) {
    const res = await call(`${url}/crash/${route}`);
    assert.equal(res.status, 500, route);
    assert.deepEqual(res.body, { statusCode: 500, message: 'Internal server error' });
  }
  await settle();
  assert.deepEqual(fatal, []);
  assert.match(logger.text(), /circular|BigInt/i, 'the cause is logged');
  assert.equal((await call(`${url}/crash/ok`)).text, 'still alive');
});

test('any thrown value, from any step of the pipeline, is a 500 and a log line', async (t) => {
  const fatal = watchProcess(t);
  const { url, logger } = await crashApp(t);
  for (const step of ['throw', 'async-throw', 'reject-thenable', 'guard', 'pipe', 'interceptor', 'filter']) {
    for (const kind of kinds) {
      const res = await call(`${url}/crash/${step}/${kind}`);
      assert.equal(res.status, 500, `${step} throwing ${kind}`);
      assert.equal(res.body?.statusCode, 500, `${step} throwing ${kind} answers JSON`);
    }
  }
  for (const mount of ['mw', 'mw-throws']) {
    for (const kind of kinds.filter((k) => k !== 'null' && k !== 'undefined')) {
      const res = await call(`${url}/${mount}/${kind}`);
      assert.equal(res.status, 500, `middleware ${mount} with ${kind}`);
    }
  }
  await settle();
  assert.deepEqual(fatal, []);
  assert.ok(logger.lines.filter((l) => l.level === 'error').length >= kinds.length, 'each is logged');
  assert.equal((await call(`${url}/crash/ok`)).text, 'still alive');
});

test('an @Sse handler returning the wrong type is a JSON 500 before the stream starts, sync or async', async (t) => {
  const fatal = watchProcess(t);
  const { url, logger } = await crashApp(t);
  for (const route of ['async-wrong-type', 'sync-wrong-type']) {
    const res = await call(`${url}/crash/sse/${route}`, { headers: { accept: 'text/event-stream' } });
    assert.equal(res.status, 500, route);
    assert.match(res.headers.get('content-type')!, /application\/json/);
  }
  await settle();
  assert.deepEqual(fatal, []);
  assert.match(logger.text(), /SN_ERR_SSE_RESULT/);
});

test('an Observable whose subscribe throws, a source that throws, or an event that cannot be encoded ends the stream with event: error', async (t) => {
  const fatal = watchProcess(t);
  const { url } = await crashApp(t);
  const routes = [
    ...kinds.map((k) => `sse/async-subscribe-throws/${k}`),
    ...kinds.map((k) => `sse/sync-subscribe-throws/${k}`),
    ...kinds.map((k) => `sse/generator-throws/${k}`),
    'sse/bigint-event',
    'sse/circular-event',
  ];
  for (const route of routes) {
    const stream = await openSse(`${url}/crash/${route}`);
    assert.equal(stream.status, 200, route);
    await stream.ended;
    assert.match(stream.text(), /event: error\ndata: \{"message":"Internal server error"\}\n\n$/, `${route}: ${JSON.stringify(stream.text())}`);
  }
  await settle();
  assert.deepEqual(fatal, []);
  assert.equal((await call(`${url}/crash/ok`)).text, 'still alive');
});

test('teardown that throws (unsubscribe, an iterator return, a cancel callback) is logged when the client leaves', async (t) => {
  const fatal = watchProcess(t);
  const { app, url, logger } = await crashApp(t);
  for (const route of ['bad-unsubscribe', 'weird-subscription', 'bad-return', 'cancel-throws']) {
    const stream = await openSse(`${url}/crash/sse/${route}`);
    await stream.waitFor((text) => text.includes('data: '));
    stream.close();
  }
  await eventually(() => app.getSseStats().open === 0, 'every stream closed');
  await settle();
  assert.deepEqual(fatal, []);
  assert.match(logger.text(), /closing an SSE source failed|cancel callback/);
  assert.equal((await call(`${url}/crash/ok`)).text, 'still alive');
});

test('a teardown that throws on a session the client had already left is logged too', async (t) => {
  const fatal = watchProcess(t);
  const { app, url, logger } = await crashApp(t);
  const { request } = await import('node:http');
  const req = request(`${url}/crash/sse/late-bad-return`, { headers: { accept: 'text/event-stream' } });
  req.on('error', () => undefined);
  req.end();
  await new Promise((r) => setTimeout(r, 50));
  req.destroy();
  await new Promise((r) => setTimeout(r, 300));
  await eventually(() => app.getSseStats().open === 0, 'no stream left open');
  assert.deepEqual(fatal, []);
  assert.match(logger.text(), /closing an SSE source failed/);
});

test('a logger that throws, or data that cannot be printed, never turns an error into a crash', async (t) => {
  const fatal = watchProcess(t);
  const throwingLogger = {
    log() {
      throw new Error('log');
    },
    warn() {
      throw new Error('warn');
    },
    error() {
      throw Object.create(null);
    },
  };
  const stderr = process.stderr.write;
  const written: string[] = [];
  process.stderr.write = ((chunk: string) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  t.after(() => {
    process.stderr.write = stderr;
  });
  const app = await startApp({ controllers: [CrashController], providers: [ThrowingGuard, ThrowingPipe, ThrowingInterceptor] }, undefined, {
    logger: throwingLogger,
  });
  t.after(app.close);
  for (const kind of kinds) assert.equal((await call(`${app.url}/crash/throw/${kind}`)).status, 500);
  process.stderr.write = stderr;
  await settle();
  assert.deepEqual(fatal, []);
  assert.ok(
    written.some((line) => line.includes('the logger threw')),
    'the failure of the logger itself goes to stderr',
  );
});
