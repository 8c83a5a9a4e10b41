// Replay is bounded and fair, on every transport: a resume reads history in
// pages, stops at its limits with `reset`, waits its turn behind a bounded
// number of others (or is told to retry), and an id from the future or one
// never issued gets `reset` and then live events.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  Controller,
  Get,
  LastEventId,
  MemoryTransport,
  Sse,
  SseHub,
  SseModule,
  type ApplicationOptions,
  type SseModuleOptions,
  type SseTransport,
} from 'streamnest';
import type { HubEvent, Replay } from 'streamnest/sse-protocol';
import { RedisStreamsTransport } from 'streamnest/redis';
import { startApp } from '../support/app.js';
import { connectEvents } from '../support/event-client.js';
import http from 'node:http';
import { openSse } from '../support/sse-reader.js';
import { eventually } from '../core/support.js';
import { redisUrl } from '../support/redis.js';

@Controller()
class FeedController {
  constructor(private readonly hub: SseHub) {}
  @Get('feed')
  @Sse({ heartbeat: false })
  feed(@LastEventId() lastEventId?: string) {
    return this.hub.subscribe('news', { lastEventId });
  }

  /** The same feed for a client allowed only 1,000 unsent bytes. */
  @Get('tight')
  @Sse({ heartbeat: false, maxBufferedBytes: 1000, highWaterMark: 500 })
  tight(@LastEventId() lastEventId?: string) {
    return this.hub.subscribe('news', { lastEventId });
  }
}

async function hubApp(t: TestContext, options: SseModuleOptions, appOptions: ApplicationOptions = {}) {
  const app = await startApp({ imports: [SseModule.forRoot(options)], controllers: [FeedController] }, undefined, appOptions);
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
  start(deliver: (event: HubEvent) => void) {
    return this.inner.start(deliver);
  }
  append(channel: string, message: { event?: string; data: string }) {
    return this.inner.append(channel, message);
  }
  replay(channels: readonly string[], after: string, limit: number): Promise<Replay> {
    this.calls++;
    this.largestLimit = Math.max(this.largestLimit, limit);
    return this.inner.replay(channels, after, limit);
  }
  compare(a: string, b: string) {
    return this.inner.compare(a, b);
  }
  close() {
    return this.inner.close();
  }
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
  readonly gate = new Promise<void>((resolve) => {
    this.opened = resolve;
  });
  open() {
    this.opened();
  }
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

test('clients that leave while waiting hold no place in the queue: a burst of them turns nobody away', async (t) => {
  const transport = new Held(new MemoryTransport());
  const { url, hub } = await hubApp(t, { transport, replay: { concurrency: 1, maxWaiting: 2 } });
  const ids = await publish(hub, 1, 3);
  const reading = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
  const leavers = [await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! }), await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! })];
  await eventually(() => hub.stats().replaying.waiting === 2, 'two waiting');
  for (const leaver of leavers) leaver.close();
  await eventually(() => hub.stats().subscribers === 1, 'the leavers are gone');
  const late = await connectEvents(`${url}/feed`, { 'last-event-id': ids[1]! });
  await eventually(() => hub.stats().subscribers === 2, 'the late one subscribed');
  assert.equal(hub.stats().replaysRefused, 0, 'the late reconnect waits instead of being turned away');
  transport.open();
  assert.deepEqual(numbers(await reading.waitForCount(2)), [2, 3]);
  assert.deepEqual(numbers(await late.waitForCount(1)), [3]);
  reading.close();
  late.close();
});

test('bad replay options are refused at start-up with a code', async () => {
  for (const replay of [{ pageSize: 0 }, { maxEvents: -1 }, { concurrency: 1.5 }, { nope: 1 } as never]) {
    await assert.rejects(startApp({ imports: [SseModule.forRoot({ replay })], controllers: [FeedController] }), /SN_ERR_INVALID_HUB_OPTION/);
  }
  await assert.rejects(startApp({ imports: [SseModule.forRoot({ publishTimeout: 0 })], controllers: [FeedController] }), /SN_ERR_INVALID_HUB_OPTION/);
});

test('a replay of large events is paced by the client inside a page, never dropped for it', async (t) => {
  // A page of 100 events of 200 kB is 20 MB: far more than the kernel takes at once, and than the 1 MiB limit.
  const { url, hub } = await hubApp(t, { transport: new MemoryTransport(), replay: { pageSize: 100, maxBytes: 64 * 1024 * 1024 } });
  const ids = await publish(hub, 1, 150, 200_000);
  const client = await connectEvents(`${url}/feed`, { 'last-event-id': ids[0]! });
  assert.deepEqual(numbers(await client.waitForCount(149, 20_000)), range(2, 150), 'all 30 MB, exact');
  assert.equal(hub.stats().droppedSlow, 0);
  assert.equal(hub.stats().resets, 0);
  client.close();
});

test('a replaying subscriber dropped in the middle of a burst to a big channel neither crashes nor wedges the channel', async (t) => {
  const fatal: unknown[] = [];
  const record = (e: unknown) => fatal.push(e);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  t.after(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });
  const transport = new Held(new MemoryTransport());
  // Events of ~400 bytes against a 1,000-byte limit: the third held event drops the replaying subscriber.
  const { url, hub } = await hubApp(t, { transport });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  t.after(() => agent.destroy());
  const live = [];
  for (let i = 0; i < 1100; i += 100) live.push(...(await Promise.all(Array.from({ length: 100 }, () => connectEvents(`${url}/feed`, {}, agent)))));
  const [first] = await publish(hub, 0, 0);
  await Promise.all(live.map((c) => c.waitForCount(1)));
  const replaying = await connectEvents(`${url}/tight`, { 'last-event-id': first! }, agent);
  await eventually(() => hub.stats().replaying.reading === 1, 'the replay is held');
  // A burst: the first event goes out to the first slice at once, the rest queue into one group.
  const burst = Array.from({ length: 5 }, (_, i) => hub.publish('news', { data: `${i + 1}:${'b'.repeat(400)}` }));
  await Promise.all(burst);
  await eventually(() => hub.stats().droppedSlow === 1, 'the replaying subscriber is dropped');
  await Promise.all(live.map((c) => c.waitForCount(6)));
  await publish(hub, 6, 6);
  await Promise.all(live.map((c) => c.waitForCount(7)));
  assert.deepEqual(numbers(live[1099]!.events), range(0, 6), 'the channel still delivers, in order');
  assert.deepEqual(fatal, []);
  transport.open();
  void replaying;
  for (const c of live) c.close();
});
