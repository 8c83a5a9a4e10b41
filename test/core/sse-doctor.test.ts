// The SSE doctor: each warning fires when the app is set up the way that
// breaks event streams in production, stays silent once it is fixed, and is
// silenced by its code. Warnings are logged once, at listen(), through the
// app's logger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import compression from 'compression';
import cors from 'cors';
import {
  Controller,
  Get,
  getSSEStream,
  Sse,
  SseInsights,
  type ApplicationOptions,
  type Middleware,
  type ModuleMetadata,
  type NestApplication,
  type WarningCode,
} from 'streamnest';
import { CORS } from 'streamnest/cors';
import { SseDashboardModule } from 'streamnest/dashboard';
import { startApp } from '../support/app.js';
import { selfSignedCertificate } from '../support/tls.js';
import { CaptureLogger } from './support.js';

@Controller()
class EventsController {
  @Get('events/:room')
  @Sse()
  events() {
    return getSSEStream().body;
  }
}

@Controller()
class PlainController {
  @Get('plain') plain() {
    return 'plain';
  }
}

/** The app's doctor findings: the codes it logged (once each, as warnings of the SseDoctor) and those the dashboard lists. */
async function diagnose(
  t: { after(fn: () => unknown): void },
  options: { metadata?: ModuleMetadata; configure?: (app: NestApplication) => void; app?: ApplicationOptions; http2?: boolean } = {},
): Promise<{ logged: string[]; messages: string[]; listed: string[] }> {
  const logger = new CaptureLogger();
  const listen = options.http2 ? { http2: selfSignedCertificate() } : {};
  const { app, close } = await startApp(options.metadata ?? { controllers: [EventsController] }, options.configure, { logger, ...options.app }, listen);
  t.after(close);
  const doctor = logger.lines.filter((line) => line.context === 'SseDoctor');
  for (const line of doctor) assert.equal(line.level, 'warn');
  const logged = doctor.map((line) => /^(SN_WARN_\w+): /.exec(line.message)?.[1] ?? line.message);
  return { logged, messages: doctor.map((line) => line.message), listed: app.get(SseInsights).warnings.map((w) => w.code) };
}

/** Silences the warning every plain-HTTP test app has, to look at the one under test. */
const notHttp1 = { doctor: { silence: ['SN_WARN_SSE_HTTP1_ONLY'] as WarningCode[] } };

test('SN_WARN_SSE_HTTP1_ONLY: an SSE app on HTTP/1.1 only; not over HTTP/2, not without SSE routes, not when silenced', async (t) => {
  const plain = await diagnose(t);
  assert.deepEqual(plain.logged, ['SN_WARN_SSE_HTTP1_ONLY']);
  assert.deepEqual(plain.listed, plain.logged, 'the dashboard lists what was logged');
  assert.match(plain.messages[0]!, /6 HTTP\/1\.1 connections per origin/);
  assert.match(plain.messages[0]!, /silence: \['SN_WARN_SSE_HTTP1_ONLY'\]/);
  assert.deepEqual((await diagnose(t, { http2: true })).logged, []);
  assert.deepEqual((await diagnose(t, { metadata: { controllers: [PlainController] } })).logged, []);
  assert.deepEqual((await diagnose(t, { app: notHttp1 })).logged, []);
});

test('SN_WARN_SSE_HEARTBEAT_LONG: an app heartbeat past 30 s, or a route without heartbeats; not the default, not when silenced', async (t) => {
  @Controller()
  class SilentController {
    @Get('silent') @Sse({ heartbeat: false }) silent() {
      return getSSEStream().body;
    }
  }
  const appWide = await diagnose(t, { app: { ...notHttp1, sse: { heartbeat: 45_000 } } });
  assert.deepEqual(appWide.logged, ['SN_WARN_SSE_HEARTBEAT_LONG']);
  assert.match(appWide.messages[0]!, /the app's sse\.heartbeat \(used by 1 SSE route\)/);
  assert.match(appWide.messages[0]!, /up to 90000 ms/);
  assert.match(appWide.messages[0]!, /nginx proxy_read_timeout and AWS ALB: 60 s/);
  const route = await diagnose(t, { metadata: { controllers: [EventsController, SilentController] }, app: notHttp1 });
  assert.deepEqual(route.logged, ['SN_WARN_SSE_HEARTBEAT_LONG']);
  assert.match(route.messages[0]!, /GET \/silent \(SilentController\.silent\) sends no heartbeats/);
  assert.deepEqual((await diagnose(t, { app: { ...notHttp1, sse: { heartbeat: 30_000 } } })).logged, []);
  assert.deepEqual(
    (await diagnose(t, { app: { doctor: { silence: ['SN_WARN_SSE_HTTP1_ONLY', 'SN_WARN_SSE_HEARTBEAT_LONG'] }, sse: { heartbeat: 45_000 } } })).logged,
    [],
  );
});

test('SN_WARN_SSE_RETRY_LONG: a shutdown retry longer than the heartbeat; not the default, not when silenced', async (t) => {
  const long = await diagnose(t, { app: { ...notHttp1, sse: { shutdownRetry: 10_000 } } });
  assert.deepEqual(long.logged, ['SN_WARN_SSE_RETRY_LONG']);
  assert.match(long.messages[0]!, /up to 20000 ms/);
  assert.match(long.messages[0]!, /15000 ms heartbeat of GET \/events\/:room/);
  assert.deepEqual((await diagnose(t, { app: { ...notHttp1, sse: { shutdownRetry: 7_500 } } })).logged, []);
  assert.deepEqual(
    (await diagnose(t, { app: { doctor: { silence: ['SN_WARN_SSE_HTTP1_ONLY', 'SN_WARN_SSE_RETRY_LONG'] }, sse: { shutdownRetry: 10_000 } } })).logged,
    [],
  );
});

/** A compressor that ignores Cache-Control: no-transform: it labels every response gzip and compresses what goes through res.write. */
function gzipEverything(): Middleware {
  return function gzip(_req, res, next) {
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: unknown[]) {
      this.setHeader('Content-Encoding', 'gzip');
      return (writeHead as (...a: unknown[]) => typeof res).apply(this, args);
    } as typeof res.writeHead;
    const end = res.end;
    res.end = function (this: typeof res, chunk?: unknown) {
      return (end as (c?: unknown) => typeof res).call(this, chunk === undefined ? undefined : gzipSync(String(chunk)));
    } as typeof res.end;
    next();
  };
}

test('SN_WARN_SSE_COMPRESSION: a compressor that labels the event stream; not compression() (it honours no-transform), not one mounted elsewhere, not when silenced', async (t) => {
  const naive = await diagnose(t, { app: notHttp1, configure: (app) => app.use(gzipEverything()) });
  assert.deepEqual(naive.logged, ['SN_WARN_SSE_COMPRESSION']);
  assert.match(naive.messages[0]!, /middleware gzip declares Content-Encoding on the event stream of GET \/events\/:room \(EventsController\.events\)/);
  assert.deepEqual((await diagnose(t, { app: notHttp1, configure: (app) => app.use(compression()) })).logged, []);
  assert.deepEqual((await diagnose(t, { app: notHttp1, configure: (app) => app.use('/api', gzipEverything()) })).logged, []);
  assert.deepEqual(
    (await diagnose(t, { app: { doctor: { silence: ['SN_WARN_SSE_HTTP1_ONLY', 'SN_WARN_SSE_COMPRESSION'] } }, configure: (app) => app.use(gzipEverything()) }))
      .logged,
    [],
  );
});

test('SN_WARN_SSE_CORS_LAST_EVENT_ID: cors() with allowedHeaders that leave it out; not CORS() from streamnest/cors, not cors() reflecting, not when silenced', async (t) => {
  const narrow = await diagnose(t, { app: notHttp1, configure: (app) => app.use(cors({ allowedHeaders: ['Content-Type'] }) as Middleware) });
  assert.deepEqual(narrow.logged, ['SN_WARN_SSE_CORS_LAST_EVENT_ID']);
  assert.match(narrow.messages[0]!, /corsMiddleware answers a CORS preflight for GET \/events\/:room .*Access-Control-Allow-Headers: Content-Type/);
  assert.deepEqual((await diagnose(t, { app: notHttp1, configure: (app) => app.use(CORS({ allowedHeaders: ['Content-Type'] })) })).logged, []);
  assert.deepEqual((await diagnose(t, { app: notHttp1, configure: (app) => app.use(cors() as Middleware) })).logged, []);
  assert.deepEqual(
    (await diagnose(t, { app: notHttp1, configure: (app) => app.use(cors({ allowedHeaders: 'Content-Type, Last-Event-ID' }) as Middleware) })).logged,
    [],
  );
  assert.deepEqual(
    (
      await diagnose(t, {
        app: { doctor: { silence: ['SN_WARN_SSE_HTTP1_ONLY', 'SN_WARN_SSE_CORS_LAST_EVENT_ID'] } },
        configure: (app) => app.use(cors({ allowedHeaders: ['Content-Type'] }) as Middleware),
      })
    ).logged,
    [],
  );
});

test('SN_WARN_SSE_DASHBOARD_OPEN: a dashboard without a guard; not with allow() or guards, not when silenced', async (t) => {
  const open = await diagnose(t, { metadata: { imports: [SseDashboardModule.forRoot({ path: '/ops/sse' })] }, app: notHttp1 });
  assert.deepEqual(open.logged, ['SN_WARN_SSE_DASHBOARD_OPEN']);
  assert.match(open.messages[0]!, /the SSE dashboard at \/ops\/sse has no guard/);
  const allowed = await diagnose(t, { metadata: { imports: [SseDashboardModule.forRoot({ allow: () => true })] }, app: notHttp1 });
  assert.deepEqual(allowed.logged, []);
  const guarded = await diagnose(t, { metadata: { imports: [SseDashboardModule.forRoot({ guards: [{ canActivate: () => true }] })] }, app: notHttp1 });
  assert.deepEqual(guarded.logged, []);
  const silenced = await diagnose(t, {
    metadata: { imports: [SseDashboardModule.forRoot()] },
    app: { doctor: { silence: ['SN_WARN_SSE_HTTP1_ONLY', 'SN_WARN_SSE_DASHBOARD_OPEN'] } },
  });
  assert.deepEqual(silenced.logged, []);
});

test('doctor: false silences every warning; an unknown code in silence fails start-up with a code', async (t) => {
  const everything = await diagnose(t, {
    app: { doctor: false, sse: { heartbeat: false, shutdownRetry: 60_000 } },
    configure: (app) => app.use(gzipEverything()).use(cors({ allowedHeaders: 'Content-Type' }) as Middleware),
  });
  assert.deepEqual(everything.logged, []);
  assert.deepEqual(everything.listed, []);
  // The same app with the doctor on: each code once, in the order docs/ERRORS.md lists them.
  const all = await diagnose(t, {
    app: { sse: { heartbeat: false, shutdownRetry: 60_000 } },
    configure: (app) => app.use(gzipEverything()).use(cors({ allowedHeaders: 'Content-Type' }) as Middleware),
  });
  assert.deepEqual(all.logged, ['SN_WARN_SSE_COMPRESSION', 'SN_WARN_SSE_HTTP1_ONLY', 'SN_WARN_SSE_HEARTBEAT_LONG', 'SN_WARN_SSE_CORS_LAST_EVENT_ID']);
  await assert.rejects(
    startApp({ controllers: [EventsController] }, undefined, { logger: false, doctor: { silence: ['SN_WARN_NOPE' as WarningCode] } }),
    (error: Error & { code?: string }) =>
      error.code === 'SN_ERR_INVALID_ARGUMENT' && /SN_WARN_NOPE/.test(error.message) && /SN_WARN_SSE_HTTP1_ONLY/.test(error.message),
  );
});
