// streamnest/client in Chromium: the bundle the size test measures, served by the
// test app and imported by a real page. Typed events and a POST with a token;
// reconnect after a server restart with Last-Event-ID (exact replay on the hub);
// an abort from the page that the server sees as a cancel; the last id kept
// across a reload; the EventSource fallback; and examples/llm-stream's page,
// streamed and stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { Controller, Get, Header, MemoryTransport, type NestApplication } from 'streamnest';
import { CORS } from 'streamnest/cors';
import { llmStreamModule } from '../../examples/llm-stream/app.module.js';
import { ChatLog } from '../../examples/llm-stream/chat-log.js';
import { count, newLog, startClientApp, type ClientTestApp, type ServerLog } from '../client/client-app.js';
import { BLANK_PATH, BlankPageController, eventually, launchChromium, newPage, serveHtml, startApp } from './browser.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sizeScript = (await import(pathToFileURL(join(root, 'scripts/client-size.mjs')).href)) as { bundleClient(options: { root: string }): Promise<string> };
const CLIENT_JS = await sizeScript.bundleClient({ root });

/** Serves the minified client bundle at /client.js, for pages to import. */
@Controller('')
class ClientScriptController {
  @Get('/client.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script() {
    return CLIENT_JS;
  }
}

const EXTRA = [BlankPageController, ClientScriptController];

async function start(
  t: import('node:test').TestContext,
  log: ServerLog,
  options: { port?: number; transport?: MemoryTransport; configure?: (app: NestApplication) => void } = {},
): Promise<ClientTestApp> {
  const started = await startClientApp(log, { ...options, controllers: EXTRA });
  t.after(started.close);
  return started;
}

/** A page on the app's origin with the client imported as `window.sn`. */
async function clientPage(t: import('node:test').TestContext, url: string): Promise<Page> {
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(url + BLANK_PATH);
  await page.evaluate(async () => {
    (window as any).sn = await import('/client.js' as string);
  });
  return page;
}

test('Chromium: typed events arrive parsed, through on() and the async iterator; a POST carries its body and Authorization header', async (t) => {
  const log = newLog();
  const { url } = await start(t, log);
  const page = await clientPage(t, url);
  const result = await page.evaluate(async () => {
    const { createClient } = (window as any).sn;
    const typed = createClient('/typed');
    const percents: number[] = [];
    typed.on('progress', (data: { percent: number }) => percents.push(data.percent));
    const iterated: Array<[string, unknown, string]> = [];
    for await (const event of typed) {
      iterated.push([event.event, event.data, event.id]);
      if (event.event === 'done') break;
    }
    const echo = createClient('/echo', {
      method: 'POST',
      headers: { Authorization: 'Bearer page-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'from the page' }),
      retry: false,
    });
    const echoed = await new Promise((resolve) => echo.on('echo', resolve));
    return { percents, iterated, readyState: typed.readyState, echoed };
  });
  assert.deepEqual(result.percents, [10, 60]);
  assert.deepEqual(result.iterated, [
    ['progress', { percent: 10 }, '1'],
    ['progress', { percent: 60 }, '2'],
    ['message', 'plain text', '2'],
    ['message', 42, '2'],
    ['done', { ok: true }, '3'],
  ]);
  assert.equal(result.readyState, 2, 'break closed the client');
  assert.deepEqual(result.echoed, { method: 'POST', body: { prompt: 'from the page' }, authorization: 'Bearer page-token' });
  await eventually(() => log.cancels.includes('/typed'), 5000, 'the server to see the stream cancelled');
});

test('Chromium: after a server stop and a restart on the same port, the client resumes with Last-Event-ID, every event once', async (t) => {
  const transport = new MemoryTransport();
  const log = newLog();
  const first = await start(t, log, { transport });
  const page = await clientPage(t, first.url);
  await page.evaluate(() => {
    const w = window as any;
    w.got = [];
    w.errors = [];
    w.opens = 0;
    w.client = w.sn.createClient('/news', { retry: { initial: 100, max: 400 } });
    w.client.on('headline', (data: { n: number }, event: { id: string }) => w.got.push({ n: data.n, id: event.id }));
    w.client.onError((error: { code: string }) => w.errors.push(error.code));
    w.client.onOpen(() => w.opens++);
  });
  await page.waitForFunction(() => (window as any).opens === 1, undefined, { timeout: 8000 });
  for (const n of [1, 2, 3]) await first.hub.publish('news', { event: 'headline', data: { n } });
  await page.waitForFunction(() => (window as any).got.length === 3, undefined, { timeout: 8000 });
  const idAtStop: string = await page.evaluate(() => (window as any).client.lastEventId);

  await first.close();
  for (const n of [4, 5]) await transport.append('news', { event: 'headline', data: JSON.stringify({ n }) });
  await page.waitForFunction(() => (window as any).errors.includes('network'), undefined, { timeout: 8000 });

  const second = await start(t, log, { transport, port: first.port });
  await page.waitForFunction(() => (window as any).got.length === 5, undefined, { timeout: 10_000 });
  await second.hub.publish('news', { event: 'headline', data: { n: 6 } });
  await page.waitForFunction(() => (window as any).got.length === 6, undefined, { timeout: 8000 });

  const got: Array<{ n: number; id: string }> = await page.evaluate(() => (window as any).got);
  assert.deepEqual(
    got.map((e) => e.n),
    [1, 2, 3, 4, 5, 6],
  );
  assert.equal(new Set(got.map((e) => e.id)).size, 6);
  const news = log.requests.filter((r) => r.path === '/news');
  assert.deepEqual(
    news.map((r) => r.lastEventId),
    [undefined, idAtStop],
  );
  await page.evaluate(() => (window as any).client.close());
});

test("Chromium: the hub's reset reaches onReset and the iterator, then live events follow", async (t) => {
  const log = newLog();
  const started = await start(t, log);
  const page = await clientPage(t, started.url);
  const pending = page.evaluate(async () => {
    const client = (window as any).sn.createClient('/news', { lastEventId: 'from-another-life-3' });
    const viaCallback = new Promise((resolve) => client.onReset(resolve));
    const seen: Array<[string, unknown]> = [];
    for await (const event of client) {
      seen.push([event.event, event.data]);
      if (event.event === 'headline') break;
    }
    return { viaCallback: await viaCallback, seen };
  });
  await eventually(() => count(log, '/news') === 1, 8000, 'the page to connect');
  // The reset comes first, then live events: publish until the page has taken one (an event published
  // before the subscription is in place would not reach it).
  let finished = false;
  pending.then(
    () => (finished = true),
    () => (finished = true),
  );
  await eventually(
    async () => {
      if (!finished) await started.hub.publish('news', { event: 'headline', data: { n: 1 } });
      return finished;
    },
    8000,
    'a live event after the reset',
  );
  const result = await pending;
  assert.deepEqual(result.viaCallback, { reason: 'history-unavailable' });
  assert.deepEqual(result.seen[0], ['reset', { reason: 'history-unavailable' }]);
  assert.deepEqual(result.seen.at(-1), ['headline', { n: 1 }]);
  assert.equal(log.requests.find((r) => r.path === '/news')!.lastEventId, 'from-another-life-3');
});

test('Chromium: an abort from the page ends the request, the server sees the cancel, and nothing is sent again', async (t) => {
  const log = newLog();
  const { url } = await start(t, log);
  const page = await clientPage(t, url);
  const state = await page.evaluate(async () => {
    const abort = new AbortController();
    const client = (window as any).sn.createClient('/ticks', { signal: abort.signal, retry: { initial: 20 } });
    await new Promise((resolve) => client.on('tick', resolve));
    abort.abort();
    return client.readyState;
  });
  assert.equal(state, 2);
  await eventually(() => log.cancels.includes('/ticks'), 5000, 'the server to see the cancel');
  await page.waitForTimeout(300);
  assert.equal(count(log, '/ticks'), 1);
});

test('Chromium: persist keeps the last id across a reload, and the new page resumes after it', async (t) => {
  const log = newLog();
  const { url } = await start(t, log);
  const page = await clientPage(t, url);
  const before: string = await page.evaluate(async () => {
    const client = (window as any).sn.createClient('/ticks', { persist: true });
    await new Promise<void>((resolve) => client.on('tick', (data: { n: number }) => data.n === 3 && resolve()));
    client.close();
    return client.lastEventId;
  });
  assert.equal(before, '3');
  await page.reload();
  const after = await page.evaluate(async () => {
    const { createClient } = await import('/client.js' as string);
    const client = createClient('/ticks', { persist: true });
    const first = await new Promise<number>((resolve) => client.on('tick', (data: { n: number }) => resolve(data.n)));
    client.close();
    return { first, stored: Object.entries(sessionStorage) };
  });
  assert.equal(after.first, 4, 'the stream went on after the id kept before the reload');
  assert.deepEqual(
    log.requests.filter((r) => r.path === '/ticks').map((r) => r.lastEventId),
    [undefined, '3'],
  );
  assert.equal(after.stored.length, 1);
  assert.match(after.stored[0]![0], /^streamnest:last-event-id:\/ticks$/);
});

test('Chromium: the EventSource fallback hears named events, reconnects by the client policy with lastEventId in the query, and stops on a refusal', async (t) => {
  const log = newLog();
  const { url } = await start(t, log);
  const page = await clientPage(t, url);
  const result = await page.evaluate(async () => {
    const { createClient } = (window as any).sn;
    const client = createClient('/ticks', { transport: 'eventsource', retry: { initial: 20 } });
    const ns: number[] = [];
    await new Promise<void>((resolve) =>
      client.on('tick', (data: { n: number }) => {
        ns.push(data.n);
        if (ns.length === 2) resolve();
      }),
    );
    client.close();
    const ended = createClient('/ends', { transport: 'eventsource', retry: { initial: 20 } });
    const ids: string[] = [];
    await new Promise<void>((resolve) =>
      ended.on('message', (_data: unknown, event: { id: string }) => {
        ids.push(event.id);
        if (ids.length === 3) resolve();
      }),
    );
    ended.close();
    const refused = createClient('/status/401', { transport: 'eventsource', retry: { initial: 20 } });
    const error = await new Promise<{ code: string; status: number }>((resolve) => refused.onError(resolve));
    return { ns, ids, error: { code: error.code, status: error.status }, refusedState: refused.readyState };
  });
  assert.deepEqual(result.ns, [1, 2]);
  assert.deepEqual(result.ids, ['1', '2', '3']);
  assert.deepEqual(
    log.requests
      .filter((r) => r.path === '/ends')
      .slice(0, 3)
      .map((r) => r.lastEventId),
    [undefined, '1', '2'],
  );
  assert.deepEqual(result.error, { code: 'http-status', status: 0 });
  assert.equal(result.refusedState, 2);
  await page.waitForTimeout(300);
  assert.equal(count(log, '/status/401'), 1);
});

test('Chromium: cross-origin, with CORS(): a POST with Authorization, and a resume with Last-Event-ID, pass their preflights', async (t) => {
  const log = newLog();
  const { url } = await start(t, log, { configure: (app) => app.use(CORS()) });
  const otherOrigin = await serveHtml(t, '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(otherOrigin);
  const result = await page.evaluate(async (appUrl) => {
    const { createClient } = await import(`${appUrl}/client.js`);
    const echo = createClient(`${appUrl}/echo`, {
      method: 'POST',
      headers: { Authorization: 'Bearer cross', 'Content-Type': 'application/json' },
      body: '{"prompt":"cross"}',
      retry: false,
    });
    const echoed = await new Promise((resolve) => echo.on('echo', resolve));
    const ticks = createClient(`${appUrl}/ticks`, { lastEventId: '10' });
    const first = await new Promise((resolve) => ticks.on('tick', (data: { n: number }) => resolve(data.n)));
    ticks.close();
    return { echoed, first };
  }, url);
  assert.deepEqual(result, { echoed: { method: 'POST', body: { prompt: 'cross' }, authorization: 'Bearer cross' }, first: 11 });
  assert.ok(
    log.requests.some((r) => r.method === 'OPTIONS' && r.path === '/echo'),
    'the POST was preflighted',
  );
  assert.ok(
    log.requests.some((r) => r.method === 'OPTIONS' && r.path === '/ticks'),
    'the resume was preflighted',
  );
});

test('Chromium: examples/llm-stream streams an answer into the page, and Stop cancels it on the server', async (t) => {
  const started = await startApp({ imports: [llmStreamModule({ token: 'page-token', delayMs: 40 })] });
  t.after(started.close);
  const chats = started.app.get(ChatLog);
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(started.url);

  // A whole answer.
  await page.fill('#prompt', 'short');
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('done'), undefined, { timeout: 15_000 });
  assert.equal(chats.generations[0]!.outcome, 'done');
  assert.equal(await page.textContent('#status'), `done: ${chats.generations[0]!.tokens} tokens`);

  // Stopped halfway.
  await page.fill('#prompt', 'stop me');
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('answer')!.textContent!.split(' ').length > 5, undefined, { timeout: 8000 });
  await page.click('#stop');
  await eventually(() => chats.generations[1]?.outcome === 'cancelled', 5000, 'the server to see the cancel');
  const shown = await page.textContent('#answer');
  const written = chats.generations[1]!.tokens;
  await page.waitForTimeout(300);
  assert.equal(await page.textContent('#answer'), shown, 'nothing more reached the page');
  assert.equal(chats.generations[1]!.tokens, written, 'nothing more was written');
  assert.equal(await page.textContent('#status'), 'stopped');

  // A wrong token: 401, reported once.
  await page.fill('#token', 'wrong');
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('unauthorized'), undefined, { timeout: 8000 });
  assert.equal(chats.generations.length, 2);
});
