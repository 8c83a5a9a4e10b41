// HTTP/2 lifts the browser's six-connection limit: ten EventSources to one origin
// all stream at once. Over HTTP/1.1 the seventh waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Controller, Get, getSSEStream, Sse, type NestApplication } from 'streamnest';
import { AppController } from '../../examples/sse/app.controller.js';
import { BLANK_PATH, eventually, launchChromium, newPage, selfSignedCert, startApp, openBlankPage } from './browser.js';

/** A quicker stream than the seed's, so each source shows events soon. */
@Controller('')
class TickController {
  @Get('/ticks')
  @Sse()
  ticks() {
    let n = 0;
    const { write, body } = getSSEStream({
      cancel() {
        clearInterval(timer);
      },
    });
    write({ data: String(n++) });
    const timer = setInterval(() => write({ data: String(n++) }), 200);
    return body;
  }
}

/** Records the HTTP version of every request, as the server saw it. */
function recordVersions(versions: string[]) {
  return (app: NestApplication) => {
    app.use((req, _res, next) => {
      versions.push(req.httpVersion);
      next();
    });
  };
}

/** Opens `count` EventSources to `path` on the page, counting each one's messages. */
async function openMany(page: Page, path: string, count: number): Promise<void> {
  await page.evaluate(
    ({ path, count }) => {
      const w = window as any;
      w.counts = new Array(count).fill(0);
      w.sources = [];
      for (let i = 0; i < count; i++) {
        const source = new EventSource(`${path}?n=${i}`);
        source.onmessage = () => {
          w.counts[i]++;
        };
        w.sources.push(source);
      }
    },
    { path, count },
  );
}

const counts = (page: Page): Promise<number[]> => page.evaluate(() => (window as any).counts);

test('over HTTP/2, one page streams from ten EventSources at once', async (t) => {
  const versions: string[] = [];
  const started = await startApp({ controllers: [AppController, TickController] }, { http2: selfSignedCert(), configure: recordVersions(versions) });
  t.after(started.close);
  assert.match(started.url, /^https:/);
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser, { ignoreHTTPSErrors: true });
  await page.goto(started.url + BLANK_PATH);

  await openMany(page, '/ticks', 10);
  await page
    .waitForFunction(() => (window as any).counts.every((c: number) => c >= 2), undefined, { timeout: 8000 })
    .catch(async (error) => {
      throw new Error(`not every source streamed: ${JSON.stringify(await counts(page))}`, { cause: error });
    });
  assert.equal(started.app.getSseStats().open, 10, 'all ten streams are open together');
  assert.deepEqual([...new Set(versions)], ['2.0'], 'every request, the page included, went over HTTP/2');

  // The seed's /sse works over HTTP/2 too, and close() cancels each stream (RST_STREAM, not a socket close).
  await page.evaluate(() =>
    (window as any).sources.forEach((s: EventSource) => {
      s.close();
    }),
  );
  await eventually(() => started.app.getSseStats().open === 0, 1000, 'the ten HTTP/2 streams to be cancelled');
  await page.evaluate(() => {
    const w = window as any;
    w.seed = [];
    w.seedSource = new EventSource('/sse');
    w.seedSource.onmessage = (e: MessageEvent) => w.seed.push(JSON.parse(e.data));
  });
  await page.waitForFunction(() => (window as any).seed.length >= 1, undefined, { timeout: 5000 });
  assert.deepEqual(await page.evaluate(() => (window as any).seed[0]), { hello: 'world' });
});

test('over HTTP/1.1, the seventh EventSource to one origin waits while six stream', async (t) => {
  const versions: string[] = [];
  const started = await startApp({ controllers: [TickController] }, { configure: recordVersions(versions) });
  t.after(started.close);
  const page = await openBlankPage(t, started);

  await openMany(page, '/ticks', 7);
  await page.waitForFunction(() => (window as any).counts.slice(0, 6).every((c: number) => c >= 3), undefined, { timeout: 8000 });
  // By now the first six have each had 3 events, ~400 ms apart at least; give the seventh a further second.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const stalled = await counts(page);
  assert.ok(
    stalled.slice(0, 6).every((c) => c >= 5),
    JSON.stringify(stalled),
  );
  assert.equal(stalled[6], 0, `the seventh received nothing: ${JSON.stringify(stalled)}`);
  assert.equal(await page.evaluate(() => (window as any).sources[6].readyState), 0, 'the seventh waits in CONNECTING, with no error');
  assert.equal(started.app.getSseStats().open, 6, 'the server only ever saw six');
  assert.ok(versions.every((v) => v === '1.1'));

  // It was queued, not failed: close one and the seventh gets the connection.
  await page.evaluate(() => (window as any).sources[0].close());
  await page.waitForFunction(() => (window as any).counts[6] >= 1, undefined, { timeout: 5000 });
  await eventually(() => started.app.getSseStats().open === 6, 1000, 'six open sessions: the closed one gone, the seventh in');
});
