// Stop the server, start it again on the same port: Chromium reconnects after the
// `retry` delay and sends the last id it saw as Last-Event-ID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, getSSEStream, LastEventId, Sse, type NestApplication } from 'streamnest';
import { AppController } from '../../examples/sse/app.controller.js';
import { BLANK_PATH, eventually, launchChromium, newPage, openBlankPage, resumeController, selfSignedCert, startApp, type StartedApp } from './browser.js';

/** The `retry:` the test streams send, in ms: short, to keep the test short. */
const RETRY = 500;

const { ResumeController, log: resumeLog } = resumeController(RETRY);
const connections = resumeLog.connections;

/** Requests to the example's per-client /sse2, as a middleware sees them: Last-Event-ID and when. */
const sse2Requests: Array<{ lastEventId: string | undefined; at: number }> = [];

function recordSse2Requests(app: NestApplication): void {
  app.use((req, _res, next) => {
    if (req.url?.startsWith('/sse2')) sse2Requests.push({ lastEventId: req.headers['last-event-id'] as string | undefined, at: Date.now() });
    next();
  });
}

test('after a stop and a restart on the same port, Chromium reconnects at the retry delay with Last-Event-ID', async (t) => {
  // The shutdown hint (shutdownRetry plus up to as much again of jitter) is the
  // last `retry:` the client sees before the stream ends; keep it at the test's RETRY.
  const options = { app: { sse: { shutdownRetry: RETRY } }, configure: recordSse2Requests };
  const metadata = { controllers: [AppController, ResumeController] };
  const first = await startApp(metadata, options);
  t.after(first.close);
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(first.url + BLANK_PATH);

  await page.evaluate(() => {
    const w = window as any;
    w.log = [];
    w.errors = [];
    w.resume = new EventSource('/resume');
    w.resume.onmessage = (e: MessageEvent) => w.log.push({ id: e.lastEventId, n: JSON.parse(e.data).n, at: Date.now() });
    w.resume.onerror = () => w.errors.push({ state: w.resume.readyState, at: Date.now() });
    w.sse2Ids = [];
    w.sse2 = new EventSource('/sse2');
    w.sse2.addEventListener('myEvent', (e: MessageEvent) => w.sse2Ids.push(e.lastEventId));
  });
  await page.waitForFunction(() => (window as any).log.length >= 3 && (window as any).sse2Ids.length >= 1, undefined, { timeout: 8000 });
  assert.equal(connections.length, 1);
  assert.equal(connections[0]!.lastEventId, undefined, 'a first connection carries no Last-Event-ID');
  assert.deepEqual(
    sse2Requests.map((r) => r.lastEventId),
    [undefined],
  );

  // Stop: close() ends every stream with a retry hint, then the server stops.
  const stoppedAt = Date.now();
  await first.close();
  const closeTook = Date.now() - stoppedAt;
  const idAtStop = String(resumeLog.lastWritten);

  // Restart on the same port.
  let second: StartedApp | undefined;
  t.after(() => second?.close());
  second = await startApp(metadata, { ...options, port: first.port });
  assert.equal(second.url, first.url);

  await eventually(() => connections.length >= 2, 8000, 'Chromium to reconnect to /resume');
  const reconnect = connections[1]!;
  assert.equal(reconnect.lastEventId, idAtStop, 'Last-Event-ID is the last id written before the stop');
  const delay = reconnect.at - stoppedAt;
  t.diagnostic(`close() took ${closeTook} ms; Chromium reconnected ${delay} ms after the stop`);
  // The client waits the retry delay (here RETRY to 2×RETRY) before reconnecting, not
  // at once; the upper bound only rules out ignoring it for Chromium's ~3 s default
  // plus a failed attempt, with room for a busy machine.
  assert.ok(delay >= RETRY - 50, `reconnected ${delay} ms after the stop (close took ${closeTook} ms)`);
  assert.ok(delay < 2 * RETRY + closeTook + 2500, `reconnected ${delay} ms after the stop (close took ${closeTook} ms)`);

  // The stream resumes in the page after the id it had.
  await page.waitForFunction((after) => (window as any).log.some((m: { id: string }) => Number(m.id) > after), Number(idAtStop), { timeout: 5000 });
  const log: Array<{ id: string; n: number }> = await page.evaluate(() => (window as any).log);
  const ids = log.map((m) => Number(m.id));
  assert.deepEqual(
    ids,
    ids.map((_, i) => i + 1),
    'ids continue with no gap and no repeat across the restart',
  );
  const errors: Array<{ state: number }> = await page.evaluate(() => (window as any).errors);
  assert.ok(errors.length >= 1 && errors.every((e) => e.state === 0), 'the stop fired error with readyState CONNECTING, never CLOSED');

  // The example's /sse2 (retry: 5000 in each event, overridden by the shutdown hint)
  // comes back too, and sends the id the page saw last.
  await eventually(() => sse2Requests.length >= 2, 8000, 'Chromium to reconnect to /sse2');
  // /sse2 counts from 1 again on every connection: the id seen last before the stop is where the count fell.
  await page.waitForFunction(() => (window as any).sse2Ids.lastIndexOf('1') > 0, undefined, { timeout: 5000 });
  const sse2Ids: string[] = await page.evaluate(() => (window as any).sse2Ids);
  const sse2IdAtStop = sse2Ids[sse2Ids.lastIndexOf('1') - 1];
  assert.equal(sse2Requests[1]!.lastEventId, sse2IdAtStop);
  const sse2Delay = sse2Requests[1]!.at - stoppedAt;
  assert.ok(sse2Delay >= RETRY - 50, `/sse2 reconnected ${sse2Delay} ms after the stop`);
  assert.ok(sse2Delay < 4000, `/sse2 reconnected ${sse2Delay} ms after the stop: the shutdown hint did not replace its retry: 5000`);
});

/** Each connection to /ends, and when the server ended the stream before it. */
const endConnections: Array<{ lastEventId: string | undefined; at: number }> = [];
const endedAt: number[] = [];

/** A stream that sends two events and ends itself: the client comes back after `retry`. */
@Controller('')
class EndingController {
  @Get('/ends')
  @Sse()
  ends(@LastEventId() lastEventId?: string) {
    endConnections.push({ lastEventId, at: Date.now() });
    let next = lastEventId === undefined ? 1 : Number(lastEventId) + 1;
    const { write, end, body } = getSSEStream({
      cancel() {
        clearInterval(timer);
      },
    });
    write({ retry: RETRY, comment: 'hello' });
    const timer = setInterval(() => {
      write({ id: next, data: String(next) });
      if (next++ % 2 === 0) {
        clearInterval(timer);
        endedAt.push(Date.now());
        end();
      }
    }, 100);
    return body;
  }
}

test('when the server ends a stream, Chromium reconnects after the retry the handler sent, with Last-Event-ID', async (t) => {
  const started = await startApp({ controllers: [EndingController] });
  t.after(started.close);
  const page = await openBlankPage(t, started);

  await page.evaluate(() => {
    const w = window as any;
    w.ids = [];
    w.source = new EventSource('/ends');
    w.source.onmessage = (e: MessageEvent) => w.ids.push(e.lastEventId);
  });
  await page.waitForFunction(() => (window as any).ids.length >= 6, undefined, { timeout: 8000 });
  assert.deepEqual(await page.evaluate(() => (window as any).ids.slice(0, 6)), ['1', '2', '3', '4', '5', '6']);
  assert.deepEqual(
    endConnections.slice(0, 3).map((c) => c.lastEventId),
    [undefined, '2', '4'],
  );
  for (const i of [1, 2]) {
    const delay = endConnections[i]!.at - endedAt[i - 1]!;
    // At least the retry; well under Chromium's own ~3 s default, so the server's value was used.
    assert.ok(delay >= RETRY - 50 && delay < 2500, `reconnect ${i} came ${delay} ms after the stream ended (retry: ${RETRY})`);
  }
});

/** A non-ASCII id: Chromium sends it back as UTF-8 bytes, which @LastEventId() must decode. */
const UNICODE_ID = 'café-☕-𝄞-1';
const unicodeSeen: Array<string | undefined> = [];

@Controller('')
class UnicodeIdController {
  @Get('/unicode')
  @Sse()
  unicode(@LastEventId() lastEventId?: string) {
    unicodeSeen.push(lastEventId);
    const { write, end, body } = getSSEStream();
    write({ retry: 200, id: UNICODE_ID, data: 'x' });
    setTimeout(end, 50);
    return body;
  }
}

test('a non-ASCII id comes back from Chromium intact as @LastEventId(), over HTTP/1.1 and HTTP/2', async (t) => {
  const browser = await launchChromium(t);
  for (const http2 of [undefined, selfSignedCert()]) {
    unicodeSeen.length = 0;
    const started = await startApp({ controllers: [UnicodeIdController] }, { http2 });
    t.after(started.close);
    const { page } = await newPage(t, browser, { ignoreHTTPSErrors: true });
    await page.goto(started.url + BLANK_PATH);
    const ids = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const ids: string[] = [];
          const source = new EventSource('/unicode');
          source.onmessage = (e) => {
            ids.push(e.lastEventId);
            if (ids.length === 2) {
              source.close();
              resolve(ids);
            }
          };
        }),
    );
    assert.deepEqual(ids, [UNICODE_ID, UNICODE_ID]);
    assert.deepEqual(unicodeSeen, [undefined, UNICODE_ID], started.url);
    await started.close();
  }
});
