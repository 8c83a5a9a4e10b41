// Replay is bounded and fair, on every transport: a resume reads history in
// pages, stops at its limits with `reset`, waits its turn behind a bounded
// number of others (or is told to retry), and an id from the future or one
// never issued gets `reset` and then live events.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  Controller, Get, LastEventId, MemoryTransport, Sse, SseHub, SseModule,
  type HubEvent, type Replay, type SseModuleOptions, type SseTransport,
} from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { startApp } from '../support/app.js';
import { connectEvents } from '../support/event-client.js';
import { openSse } from '../support/sse-reader.js';
import { eventually } from '../core/support.js';
import { redisUrl } from '../support/redis.js';

@Controller()
class FeedController {
  constructor(private readonly hub: SseHub) {}
  @Get('feed') @Sse({ heartbeat: false })
  feed(@LastEventId() lastEventId?: string) { return this.hub.subscribe('news', { lastEventId }); }
}

async function hubApp(t: TestContext, options: SseModuleOptions) {
  const app = await startApp({ imports: [SseModule.forRoot(options)], controllers: [FeedController] });
  t.after(app.close);
  return { ...app, hub: app.app.get(SseHub) };
}

async function publish(hub: SseHub, from: number, to: number, size = 0): Promise<string[]> {
  const ids = [];
  for (let i = from; i <= to; i++) ids.push(await hub.publish('news', { data: size ? `${i}:${'p'.repeat(size)}` : String(i) }));
  return ids;
}

const numbers = (events: Array<{ data: string }>) => events.map((e) => Number(e.data.split(':')[0]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Counts the transport's replay calls and the largest page asked for, around any transport. */
class Watched implements SseTransport {
  calls = 0;
  largestLimit = 0;
  constructor(private readonly inner: SseTransport) {}
  start(deliver: (event: HubEvent) => void) { return this.inner.start(deliver); }
  append(channel: string, message: { event?: string; data: string }) { return this.inner.append(channel, message); }
  replay(channels: readonly string[], after: string, limit: number): Promise<Replay> {
    this.calls++;
    this.largestLimit = Math.max(this.largestLimit, limit);
    return this.inner.replay(channels, after, limit);
  }
  compare(a: string, b: string) { return this.inner.compare(a, b); }
  close() { return this.inner.close(); }
}

const redis = await redisUrl();
const transports: Record<string, () => SseTransport> = {
  memory: () => new MemoryTransport({ maxEvents: 100_000 }),
  redis: () => new RedisStreamsTransport({ url: redis, key: `streamnest:test:${randomUUID()}`, maxLen: 100_000 }),
};
/** An id each transport never issued and that sorts after every real one. */
const futureId: Record<string, (real: string) => string> = {
  memory: (real) => `${real.slice(0, real.lastIndexOf('-'))}-999999999`,
  redis: () => `${Date.now() + 10 ** 10}-0`,
};

for (const [name, make] of Object.entries(transports)) {
  test(`${name}: an id from the future gets reset, then live events`, async (t) => {
    const { url, hub } = await hubApp(t, { transport: make() });
    const [real] = await publish(hub, 1, 3);
    const client = await connectEvents(`${url}/feed`, { 'last-event-id': futureId[name]!(real!) });
    const [reset] = await client.waitForCount(1);
    assert.equal(reset!.event, 'reset');
    assert.deepEqual(JSON.parse(reset!.data), { reason: 'history-unavailable' });
    await publish(hub, 4, 6);
    const got = await client.waitForCount(4);
    assert.deepEqual(numbers(got.slice(1)), [4, 5, 6], 'live events flow after the reset');
    client.close();
  });

  test(`${name}: a long replay is read in pages and is exact`, async (t) => {
    const transport = new Watched(make());
    const { url, hub } = await hubApp(t, { transport, replay: { pageSize: 50 } });
    const ids = await publish(hub, 1, 1200);
    const client = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
    await publish(hub, 1201, 1210);
    const got = await client.waitForCount(1209, 20_000);
    assert.deepEqual(numbers(got), range(2, 1210), 'replay then live, in order, nothing twice');
    assert.ok(transport.calls >= 24, `read in pages of 50: ${transport.calls} reads`);
    assert.equal(transport.largestLimit, 50);
    assert.equal(hub.stats().replays, 1);
    client.close();
  });

  test(`${name}: a replay past its event or byte limit gets what fits, then reset, then live events`, async (t) => {
    for (const replay of [{ maxEvents: 100 }, { maxBytes: 100_000 }]) {
      const { url, hub, close } = await hubApp(t, { transport: make(), replay: { ...replay, pageSize: 30 } });
      const ids = await publish(hub, 1, 300, 1000);
      const client = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
      const first = await client.waitForCount(2);
      void first;
      await eventually(() => client.events.some((e) => e.event === 'reset'), `a reset (${JSON.stringify(replay)})`, 10_000);
      const resetAt = client.events.findIndex((e) => e.event === 'reset');
      assert.deepEqual(JSON.parse(client.events[resetAt]!.data), { reason: 'replay-limit' });
      const before = numbers(client.events.slice(0, resetAt));
      assert.deepEqual(before, range(2, 1 + before.length), 'an exact prefix of the history before the reset');
      assert.ok(before.length <= 100, `${before.length} events fit`);
      await publish(hub, 301, 302);
      await client.waitForCount(resetAt + 3);
      assert.deepEqual(numbers(client.events.slice(resetAt + 1)), [301, 302]);
      assert.equal(hub.stats().resets, 1);
      client.close();
      await close();
    }
  });
}

/** A transport whose replays wait until the test opens the gate. */
class Held extends Watched {
  private opened!: () => void;
  readonly gate = new Promise<void>((resolve) => { this.opened = resolve; });
  open() { this.opened(); }
  override async replay(channels: readonly string[], after: string, limit: number): Promise<Replay> {
    await this.gate;
    return super.replay(channels, after, limit);
  }
}

test('replays wait their turn behind a bounded number of others; past the queue a client is asked to retry', async (t) => {
  const transport = new Held(new MemoryTransport());
  const { url, hub } = await hubApp(t, { transport, replay: { concurrency: 1, maxWaiting: 1 } });
  const ids = await publish(hub, 1, 10);
  const reading = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
  const waiting = await connectEvents(`${url}/feed`, { 'last-event-id': ids[4]! });
  await eventually(() => hub.stats().replaying.reading === 1 && hub.stats().replaying.waiting === 1, 'one reading, one waiting');
  const refused = await openSse(`${url}/feed`, { 'last-event-id': ids[0]! });
  await refused.ended;
  assert.equal(refused.status, 200, 'an EventSource-friendly answer');
  assert.match(refused.text(), /^retry: \d+\n\n$/, 'only a retry hint');
  assert.equal(hub.stats().replaysRefused, 1);
  transport.open();
  assert.deepEqual(numbers(await reading.waitForCount(9)), range(2, 10));
  assert.deepEqual(numbers(await waiting.waitForCount(5)), range(6, 10));
  assert.deepEqual(hub.stats().replaying, { reading: 0, waiting: 0 });
  reading.close();
  waiting.close();
});

test('a replay read that hangs gives up after readTimeout: reset, then live events', async (t) => {
  const transport = new Held(new MemoryTransport());
  const { url, hub } = await hubApp(t, { transport, replay: { readTimeout: 200 } });
  const ids = await publish(hub, 1, 3);
  const client = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
  const [reset] = await client.waitForCount(1, 3000);
  assert.equal(reset!.event, 'reset');
  await publish(hub, 4, 4);
  assert.deepEqual(numbers((await client.waitForCount(2)).slice(1)), [4]);
  assert.deepEqual(hub.stats().replaying, { reading: 0, waiting: 0 }, 'the turn was given back');
  transport.open();
  client.close();
});

test('a client that leaves while waiting for its turn frees it', async (t) => {
  const transport = new Held(new MemoryTransport());
  const { url, hub } = await hubApp(t, { transport, replay: { concurrency: 1 } });
  const ids = await publish(hub, 1, 3);
  const first = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
  const leaving = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
  await eventually(() => hub.stats().replaying.waiting === 1, 'one waiting');
  leaving.close();
  await eventually(() => hub.stats().subscribers === 1, 'the leaver is gone');
  transport.open();
  assert.deepEqual(numbers(await first.waitForCount(2)), [2, 3]);
  await eventually(() => hub.stats().replaying.reading === 0 && hub.stats().replaying.waiting === 0, 'no turn held');
  first.close();
});

test('bad replay options are refused at start-up with a code', async () => {
  for (const replay of [{ pageSize: 0 }, { maxEvents: -1 }, { concurrency: 1.5 }, { nope: 1 } as never]) {
    await assert.rejects(startApp({ imports: [SseModule.forRoot({ replay })], controllers: [FeedController] }), /SN_ERR_INVALID_HUB_OPTION/);
  }
  await assert.rejects(startApp({ imports: [SseModule.forRoot({ publishTimeout: 0 })], controllers: [FeedController] }), /SN_ERR_INVALID_HUB_OPTION/);
});
