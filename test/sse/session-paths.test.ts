import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, getSSEStream, Sse, type SSEStream } from 'streamnest';
import { startApp } from '../support/app.js';
import { openSse, eventually } from '../support/sse-reader.js';
import { call, rawRequest } from '../core/support.js';
import { runtimeSkip } from '../runtimes/skips.js';
import { assertCoded, notingFilter } from '../support/coded-error.js';

/**
 * The paths every event takes through one session: written before the
 * handler returns, read as a plain web stream, over HTTP/1.0 and HTTP/1.1.
 */

const seen = { cancelReason: undefined as unknown, earlyWrites: [] as boolean[] };
let kept: SSEStream | undefined;

@Controller()
class PathsController {
  /** Two events equal but for NestJS's `type`: each must keep its own name. */
  @Sse('typed')
  typed() {
    const stream = getSSEStream();
    // Once attached, writes go through the app's encoder, which reuses the bytes of equal events.
    setTimeout(() => {
      stream.write({ type: 'first', data: 'same' });
      stream.write({ type: 'second', data: 'same' });
    }, 10);
    return stream.body;
  }

  /** Writes more than a client may hold before the stream is even returned. */
  @Sse('early-flood', { maxBufferedBytes: 64 * 1024, highWaterMark: 16 * 1024 })
  earlyFlood() {
    const stream = getSSEStream({
      cancel(reason) {
        seen.cancelReason = reason;
      },
    });
    const chunk = 'x'.repeat(8 * 1024);
    for (let i = 0; i < 16; i++) seen.earlyWrites.push(stream.write({ data: chunk }));
    return stream.body;
  }

  /** A handler that wrongly returns one stream to every caller. */
  @Sse('shared')
  shared() {
    kept ??= getSSEStream();
    kept.write({ data: 'hello' });
    return kept.body;
  }

  @Sse('plain')
  plain() {
    const stream = getSSEStream();
    stream.write({ id: '1', data: 'one' });
    setTimeout(() => stream.end(), 20);
    return stream.body;
  }
}

test('events that differ only in `type` keep their own names (the encoder reuses bytes only for equal events)', async (t) => {
  const { url, close } = await startApp({ controllers: [PathsController] });
  t.after(close);
  const sse = await openSse(`${url}/typed`);
  t.after(() => sse.close());
  const text = await sse.waitFor((received) => received.includes('second'));
  assert.match(text, /event: first\ndata: same\n\nevent: second\ndata: same\n\n/);
});

test(
  "a stream written past its route's limit before it is returned is dropped and cancelled as slow, not silently trimmed",
  runtimeSkip("sse: a stream written past its route's limit before it is returned is dropped"),
  async (t) => {
    const { app, url, close } = await startApp({ controllers: [PathsController] });
    t.after(close);
    const sse = await openSse(`${url}/early-flood`);
    t.after(() => sse.close());
    await sse.ended;
    assert.equal(seen.cancelReason, 'slow');
    assert.equal(seen.earlyWrites.indexOf(false) > 0, true, 'write said "slow down" before the limit');
    assert.equal(seen.earlyWrites.at(-1), false, 'and false from then on');
    assert.equal(sse.text(), '', 'nothing of the dropped backlog was sent');
    await eventually(() => app.getSseStats().open === 0, 2000, 'no session left open');
  },
);

test('one stream returned to a second request is refused with a 500 (SN_ERR_SSE_ATTACHED), and the first client keeps its stream', async (t) => {
  kept = undefined;
  const { filter, caught } = notingFilter();
  const { url, close } = await startApp({ controllers: [PathsController] }, (app) => {
    app.useGlobalFilters(filter);
  });
  t.after(close);
  const first = await openSse(`${url}/shared`);
  t.after(() => first.close());
  await first.waitFor((text) => text.includes('data: hello'));
  assert.deepEqual(caught, [], 'the first request is not refused');
  const second = await call(`${url}/shared`);
  assert.equal(second.status, 500);
  assert.equal(caught.length, 1);
  assertCoded(caught[0], 'SN_ERR_SSE_ATTACHED', 'TypeError', /already answers a request/);
  kept!.write({ data: 'still here' });
  await first.waitFor((text) => text.includes('data: still here'));
});

test('HTTP/1.1 gets the chunked framing we declare; HTTP/1.0 gets the bare stream, ended by the connection', async (t) => {
  const { url, close } = await startApp({ controllers: [PathsController] });
  t.after(close);
  const http11 = await rawRequest(url, 'GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(http11, /\r\ntransfer-encoding: chunked\r\n/i);
  assert.match(http11, /\r\n\r\n11\r\nid: 1\ndata: one\n\n\r\n0\r\n\r\n$/, 'one chunk per event, then the last chunk');
  const http10 = await rawRequest(url, 'GET /plain HTTP/1.0\r\nHost: x\r\n\r\n');
  assert.doesNotMatch(http10, /transfer-encoding/i);
  assert.match(http10, /\r\n\r\nid: 1\ndata: one\n\n$/, 'the event as it is, no chunk framing');
});

test('read as a plain web stream: write says "go on" under the high-water mark, and a reader that stops reading is dropped', async () => {
  let reason: unknown;
  const stream = getSSEStream({
    cancel(why) {
      reason = why;
    },
  });
  const reader = stream.body.getReader();
  assert.equal(stream.write({ data: 'one' }), true, 'a small event is under the high-water mark');
  const first = await reader.read();
  assert.equal(new TextDecoder().decode(first.value), 'data: one\n\n');
  // The reader stops reading; the writer goes on. The unsent bytes stay bounded.
  const chunk = 'y'.repeat(64 * 1024);
  let writes = 0;
  while (stream.write({ data: chunk }) || reason === undefined) {
    writes++;
    await new Promise((resolve) => setImmediate(resolve));
    if (writes > 1000) break;
  }
  assert.equal(reason, 'slow', `dropped after ${writes} writes`);
  assert.ok(writes * chunk.length <= 2 * 1024 * 1024, 'dropped near the 1 MiB limit, not later');
  await assert.rejects(async () => {
    for (;;) {
      const step = await reader.read();
      if (step.done) break;
    }
  }, /SN_ERR_SLOW_CLIENT/);
});

test('a stream nobody ever returns is dropped past the default limit, and its cancel runs: a broadcast loop cannot grow it for ever', () => {
  let reason: unknown;
  const stream = getSSEStream({
    cancel(why) {
      reason = why;
    },
  });
  const chunk = 'z'.repeat(64 * 1024);
  let writes = 0;
  while (stream.write({ data: chunk }) || reason === undefined) if (++writes > 100) break;
  assert.equal(reason, 'slow');
  assert.ok(writes <= 17, `dropped at the 1 MiB default after ${writes} writes`);
  assert.equal(stream.write({ data: 'more' }), false);
});
