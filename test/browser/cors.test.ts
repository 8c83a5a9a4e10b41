// A page on another origin streams from the app through app.use(CORS()):
// plainly, with credentials, and across a reconnect that carries Last-Event-ID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { NestApplication } from 'streamnest';
import { CORS } from 'streamnest/cors';
import { AppController } from '../../examples/sse/app.controller.js';
import { eventually, launchChromium, newPage, resumeController, serveHtml, startApp, type StartedApp } from './browser.js';

const OTHER_ORIGIN_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>another origin</title></head><body></body></html>';

interface Seen {
  method: string;
  url: string;
  origin?: string;
  cookie?: string;
  lastEventId?: string;
  requestHeaders?: string;
}

/** Records every request as it arrives, before CORS answers it. */
function recordRequests(seen: Seen[]) {
  return (app: NestApplication) => {
    app.use((req, _res, next) => {
      const h = req.headers;
      seen.push({
        method: req.method!,
        url: req.url!,
        origin: h.origin as string | undefined,
        cookie: h.cookie as string | undefined,
        lastEventId: h['last-event-id'] as string | undefined,
        requestHeaders: h['access-control-request-headers'] as string | undefined,
      });
      next();
    });
  };
}

/** Opens an EventSource on the page as `name` and records its messages, errors and final state. */
async function open(page: Page, name: string, url: string, withCredentials = false): Promise<void> {
  await page.evaluate(
    ({ name, url, withCredentials }) => {
      const w = window as any;
      const source = new EventSource(url, { withCredentials });
      const record = { messages: [] as Array<{ data: string; lastEventId: string; origin: string }>, errors: [] as number[], source };
      w[name] = record;
      source.onmessage = (e) => record.messages.push({ data: e.data, lastEventId: e.lastEventId, origin: e.origin });
      source.addEventListener('myEvent', (e) =>
        record.messages.push({ data: (e as MessageEvent).data, lastEventId: (e as MessageEvent).lastEventId, origin: (e as MessageEvent).origin }),
      );
      source.onerror = () => record.errors.push(source.readyState);
    },
    { name, url, withCredentials },
  );
}

const messages = (page: Page, name: string) => page.evaluate((n) => (window as any)[n].messages.length as number, name);

test('another origin streams /sse through app.use(CORS()), and is refused without it', async (t) => {
  const seen: Seen[] = [];
  const withCors = await startApp(
    { controllers: [AppController] },
    {
      configure: (app) => {
        recordRequests(seen)(app);
        app.use(CORS());
      },
    },
  );
  t.after(withCors.close);
  const without = await startApp({ controllers: [AppController] });
  t.after(without.close);
  const pageOrigin = await serveHtml(t, OTHER_ORIGIN_PAGE);
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(pageOrigin);

  await open(page, 'refused', `${without.url}/sse`);
  await open(page, 'allowed', `${withCors.url}/sse`);
  await page.waitForFunction(() => (window as any).allowed.messages.length >= 2, undefined, { timeout: 8000 });
  const allowed = await page.evaluate(() => (window as any).allowed.messages);
  for (const m of allowed) {
    assert.deepEqual(JSON.parse(m.data), { hello: 'world' });
    assert.equal(m.origin, withCors.url);
  }
  assert.equal(seen.find((s) => s.url === '/sse')?.origin, pageOrigin, 'the request came cross-origin');

  // Without CORS the browser fails the connection for good: error, CLOSED, nothing delivered.
  await page.waitForFunction(() => (window as any).refused.source.readyState === 2, undefined, { timeout: 5000 });
  assert.equal(await messages(page, 'refused'), 0);
});

test('withCredentials: true streams through CORS({ credentials: true, origin }) with the cookie, and not through CORS()', async (t) => {
  const seen: Seen[] = [];
  const pageOrigin = await serveHtml(t, OTHER_ORIGIN_PAGE);
  const credentialed = await startApp(
    { controllers: [AppController] },
    {
      configure: (app) => {
        recordRequests(seen)(app);
        app.use(CORS({ credentials: true, origin: [pageOrigin] }));
      },
    },
  );
  t.after(credentialed.close);
  const wildcard = await startApp(
    { controllers: [AppController] },
    {
      configure: (app) => {
        app.use(CORS());
      },
    },
  );
  t.after(wildcard.close);
  const browser = await launchChromium(t);
  const { context, page } = await newPage(t, browser);
  await context.addCookies([{ name: 'session', value: 'browser-test', url: credentialed.url }]);
  await page.goto(pageOrigin);

  const responses: Array<{ url: string; headers: Record<string, string> }> = [];
  page.on('response', (r) => responses.push({ url: r.url(), headers: r.headers() }));

  await open(page, 'plain', `${credentialed.url}/sse`);
  await open(page, 'credentialed', `${credentialed.url}/sse2`, true);
  await open(page, 'wildcard', `${wildcard.url}/sse`, true);
  await page.waitForFunction(() => (window as any).credentialed.messages.length >= 2 && (window as any).plain.messages.length >= 1, undefined, {
    timeout: 8000,
  });

  assert.equal(await page.evaluate(() => (window as any).credentialed.source.withCredentials), true);
  const ids = await page.evaluate(() => (window as any).credentialed.messages.map((m: { lastEventId: string }) => m.lastEventId));
  assert.deepEqual(ids.slice(0, 2), ['1', '2']);
  assert.equal(seen.find((s) => s.url === '/sse2')?.cookie, 'session=browser-test', 'withCredentials sends the cookie');
  assert.equal(seen.find((s) => s.url === '/sse')?.cookie, undefined, 'a plain cross-origin EventSource sends no cookie');
  const sse2 = responses.find((r) => r.url === `${credentialed.url}/sse2`);
  assert.equal(sse2?.headers['access-control-allow-origin'], pageOrigin, 'the origin is reflected, never *');
  assert.equal(sse2?.headers['access-control-allow-credentials'], 'true');

  // CORS() answers `*`, which a credentialed request may not use: the browser fails it.
  await page.waitForFunction(() => (window as any).wildcard.source.readyState === 2, undefined, { timeout: 5000 });
  assert.equal(await messages(page, 'wildcard'), 0);
});

const { ResumeController, log: resumeLog } = resumeController(300);
const resumed = () => resumeLog.connections.map((c) => c.lastEventId);

test('a cross-origin EventSource reconnect carries Last-Event-ID through CORS({ credentials: true, origin })', async (t) => {
  const seen: Seen[] = [];
  const pageOrigin = await serveHtml(t, OTHER_ORIGIN_PAGE);
  const options = {
    app: { sse: { shutdownRetry: 300 } },
    configure: (app: NestApplication) => {
      recordRequests(seen)(app);
      app.use(CORS({ credentials: true, origin: (origin, allow) => allow(null, origin === pageOrigin) }));
    },
  };
  const first = await startApp({ controllers: [ResumeController] }, options);
  t.after(first.close);
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(pageOrigin);

  await open(page, 'resume', `${first.url}/resume`, true);
  await page.waitForFunction(() => (window as any).resume.messages.length >= 3, undefined, { timeout: 8000 });
  assert.deepEqual(resumed(), [undefined]);

  await first.close();
  const idAtStop = String(resumeLog.lastWritten);
  let second: StartedApp | undefined;
  t.after(() => second?.close());
  second = await startApp({ controllers: [ResumeController] }, { ...options, port: first.port });

  await eventually(() => resumed().length >= 2, 8000, 'the cross-origin reconnect');
  assert.equal(resumed()[1], idAtStop, 'Last-Event-ID is the last id written before the stop');
  const reconnect = seen.filter((s) => s.method === 'GET' && s.url === '/resume')[1]!;
  assert.equal(reconnect.origin, pageOrigin);
  assert.equal(reconnect.lastEventId, idAtStop);
  // Chromium's EventSource sends Last-Event-ID without a preflight (whatwg/fetch#568);
  // should a browser preflight it, CORS() must have allowed it for the GET to come.
  const preflights = seen.filter((s) => s.method === 'OPTIONS');
  t.diagnostic(`preflights before the EventSource reconnect: ${preflights.length}`);
  for (const p of preflights) assert.ok(seen.indexOf(p) < seen.indexOf(reconnect));

  // The page carries on from the next id.
  await page.waitForFunction((after) => (window as any).resume.messages.some((m: { lastEventId: string }) => Number(m.lastEventId) > after), Number(idAtStop), {
    timeout: 5000,
  });
  const all: Array<{ lastEventId: string }> = await page.evaluate(() => (window as any).resume.messages);
  const ids = all.map((m) => Number(m.lastEventId));
  assert.deepEqual(
    ids,
    ids.map((_, i) => i + 1),
    'no id lost or repeated across the cross-origin reconnect',
  );
});

test('a fetch-based SSE client resuming cross-origin with Last-Event-ID passes the CORS preflight', async (t) => {
  // fetch() with a Last-Event-ID header, as fetch-based EventSource clients resume, is
  // preflighted. CORS() allows it by default, and adds it to an explicit allowedHeaders list.
  const seen: Seen[] = [];
  const pageOrigin = await serveHtml(t, OTHER_ORIGIN_PAGE);
  const apps = await Promise.all(
    [CORS(), CORS({ credentials: true, origin: pageOrigin, allowedHeaders: ['Content-Type'] })].map((cors) =>
      startApp(
        { controllers: [ResumeController] },
        {
          configure: (app) => {
            recordRequests(seen)(app);
            app.use(cors);
          },
        },
      ),
    ),
  );
  for (const app of apps) t.after(app.close);
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(pageOrigin);

  for (const [i, app] of apps.entries()) {
    const from = 40 + i * 10;
    const result = await page.evaluate(
      async ({ url, from, credentials }) => {
        const res = await fetch(url, { headers: { 'Last-Event-ID': String(from), Accept: 'text/event-stream' }, credentials });
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        while (!text.includes(`id: ${from + 2}\n`)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
        await reader.cancel();
        return { status: res.status, type: res.headers.get('content-type'), text };
      },
      { url: `${app.url}/resume`, from, credentials: (i === 0 ? 'same-origin' : 'include') as RequestCredentials },
    );

    assert.equal(result.status, 200);
    assert.equal(result.type, 'text/event-stream');
    assert.match(
      result.text,
      new RegExp(`^: hello\\nretry: 300\\n\\nid: ${from + 1}\\ndata: \\{"n":${from + 1}\\}\\n\\nid: ${from + 2}\\ndata: \\{"n":${from + 2}\\}\\n\\n`),
    );
    const port = new URL(app.url).port;
    const mine = seen.filter((s) => s.url === '/resume' && s.origin === pageOrigin);
    const preflight = mine.find((s) => s.method === 'OPTIONS' && s.requestHeaders?.includes('last-event-id'));
    assert.ok(preflight, `app on port ${port} saw a preflight asking for last-event-id: ${JSON.stringify(mine)}`);
    const get = mine.find((s) => s.method === 'GET' && s.lastEventId === String(from));
    assert.ok(get && mine.indexOf(preflight) < mine.indexOf(get), 'the preflight came first, then the GET with Last-Event-ID');
    seen.length = 0;
  }
  await eventually(() => apps.every((a) => a.app.getSseStats().open === 0), 2000, 'the fetch streams to be cancelled');
});
