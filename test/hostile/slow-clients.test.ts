// Clients that never read. Dropping thousands of them must cost microseconds
// each (the event loop stays responsive), and what they leave unsent is bounded
// per client and across the whole app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Controller, Get, Module, Sse, SseHub, SseModule, type ApplicationOptions, type SSEMessageEvent } from 'streamnest';
import { startApp } from '../support/app.js';
import { eventually } from '../core/support.js';

@Controller()
class FeedController {
  constructor(private readonly hub: SseHub) {}
  @Get('feed') @Sse({ heartbeat: false }) feed() {
    return this.hub.subscribe('feed');
  }
}

@Controller()
class BigEventsController {
  /** Each event is larger than the high-water mark: every write says "slow down". */
  @Sse('big') async *big(): AsyncGenerator<SSEMessageEvent> {
    for (let i = 0; i < 5; i++) yield { id: i, data: `${i}:${'x'.repeat(100_000)}` };
  }
}

@Controller()
class SmallMarkController {
  /** A high-water mark below the socket's own (16 KiB): the socket then never promises a 'drain'. */
  @Sse('small-mark', { highWaterMark: 1000, heartbeat: false }) async *events(): AsyncGenerator<SSEMessageEvent> {
    for (let i = 1; i <= 3000; i++) yield { id: i, data: `${i}:${'s'.repeat(5000)}` };
  }
}

@Module({ imports: [SseModule.forRoot()], controllers: [FeedController, BigEventsController, SmallMarkController] })
class FeedModule {}

/** Opens `count` SSE connections that never read a byte, spread over source addresses. */
async function stalledClients(url: string, count: number): Promise<net.Socket[]> {
  const { port } = new URL(url);
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ port: Number(port), host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 50)}` });
    socket.on('error', () => undefined);
    socket.write('GET /feed HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    socket.pause();
    sockets.push(socket);
  }
  return sockets;
}

async function hubApp(t: { after(fn: () => unknown): void }, options: ApplicationOptions = {}) {
  const app = await startApp({ imports: [FeedModule] }, undefined, options);
  t.after(app.close);
  return { ...app, hub: app.app.get(SseHub) };
}

test('dropping 1,000 clients that never read keeps the event loop responsive (p99 < 100 ms, max < 1 s)', async (t) => {
  const { app, url, hub } = await hubApp(t);
  const sockets = await stalledClients(url, 1000);
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  await eventually(() => hub.stats().subscribers === 1000, 'all 1,000 subscribed', 20_000);

  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const data = 'x'.repeat(1024);
  const deadline = Date.now() + 60_000;
  // About 200 events a second, in small bursts, as a busy producer publishes them.
  while (hub.stats().subscribers > 0 && Date.now() < deadline) {
    for (let i = 0; i < 5; i++) void hub.publish('feed', { data });
    await new Promise((r) => setTimeout(r, 25));
  }
  delay.disable();
  const p99 = delay.percentile(99) / 1e6;
  const max = delay.max / 1e6;
  t.diagnostic(`loop delay while dropping: p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  assert.equal(hub.stats().droppedSlow, 1000, 'every stalled client was dropped');
  assert.equal(app.getSseStats().open, 0);
  assert.equal(app.getSseStats().bufferedBytes, 0, 'nothing is counted as unsent once they are gone');
  assert.ok(p99 < 100, `p99 loop delay ${p99} ms`);
  assert.ok(max < 1000, `max loop delay ${max} ms`);
});

test('sse.maxTotalBufferedBytes bounds the unsent bytes of all streams together', async (t) => {
  const TOTAL = 8 * 1024 * 1024;
  const EVENT = 256 * 1024;
  const CLIENTS = 20;
  // Each client alone may hold 64 MiB, so only the app-wide budget can be what drops them.
  const { app, url, hub } = await hubApp(t, { sse: { maxBufferedBytes: 64 * 1024 * 1024, maxTotalBufferedBytes: TOTAL } });
  const sockets = await stalledClients(url, CLIENTS);
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  await eventually(() => hub.stats().subscribers === CLIENTS, 'all subscribed', 10_000);

  const data = 'y'.repeat(EVENT);
  let peak = 0;
  let published = 0;
  while (hub.stats().subscribers > 0 && published < 240) {
    await hub.publish('feed', { data });
    published++;
    peak = Math.max(peak, app.getSseStats().bufferedBytes);
    await new Promise((r) => setImmediate(r));
  }
  t.diagnostic(`published ${published} events of 256 KiB; peak unsent ${(peak / 2 ** 20).toFixed(1)} MiB`);
  assert.equal(hub.stats().droppedSlow, CLIENTS, 'every stalled client was dropped');
  assert.ok(published * EVENT < 64 * 1024 * 1024, 'before any could reach its own limit');
  // Past the budget, a client that is behind is dropped at its next write: the total overshoots by at most one event per client.
  assert.ok(peak <= TOTAL + CLIENTS * (EVENT + 1024), `peak unsent ${peak}`);
});

test('an invalid or per-route maxTotalBufferedBytes is refused at start-up with a code', async () => {
  await assert.rejects(startApp({ imports: [FeedModule] }, undefined, { sse: { maxTotalBufferedBytes: -1 } }), /SN_ERR_INVALID_SSE_OPTION/);
  @Controller()
  class PerRoute {
    @Get('x') @Sse({ maxTotalBufferedBytes: 1 }) x() {
      return (async function* () {
        /* empty */
      })();
    }
  }
  await assert.rejects(startApp({ controllers: [PerRoute] }), /SN_ERR_INVALID_SSE_OPTION.*app-wide/);
});

test('a source whose every event is larger than highWaterMark streams to the end (backpressure never hangs)', async (t) => {
  const { url } = await hubApp(t);
  const res = await fetch(`${url}/big`);
  const text = await res.text();
  assert.equal(text.match(/^id: /gm)?.length, 5);
});

test('the app-wide count of unsent bytes comes back down when stalled clients catch up, with no further writes', async (t) => {
  const { app, url, hub } = await hubApp(t);
  const sockets = await stalledClients(url, 3);
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  await eventually(() => hub.stats().subscribers === 3, 'subscribed', 5_000);
  // Publish until the three hold some unsent bytes of their own (each stays under its 1 MiB limit).
  const data = 'z'.repeat(50_000);
  for (let i = 0; i < 400 && app.getSseStats().bufferedBytes < 3 * 100_000; i++) {
    await hub.publish('feed', { data });
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(app.getSseStats().bufferedBytes >= 3 * 100_000, `unsent ${app.getSseStats().bufferedBytes}`);
  assert.equal(hub.stats().droppedSlow, 0);
  for (const socket of sockets) socket.resume();
  await eventually(() => app.getSseStats().bufferedBytes === 0, 'the count to return to zero', 10_000);
});

test("a client that stalls and then reads on gets everything, even with a high-water mark below the socket's own", async (t) => {
  const { url } = await hubApp(t);
  const { port } = new URL(url);
  const socket = net.connect({ port: Number(port), host: '127.0.0.1' });
  t.after(() => socket.destroy());
  socket.write('GET /small-mark HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  socket.pause();
  // Stalled long enough for the kernel's buffers to fill, then reading again.
  await new Promise((r) => setTimeout(r, 1_000));
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.resume();
  await eventually(() => text.includes('id: 3000\n'), 'the last event', 30_000);
});
