import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import type { HubEvent, SseTransport } from 'streamnest/sse-protocol';
import { runtimeSkip } from '../runtimes/skips.js';
import { connectEvents } from '../support/event-client.js';
import { eventually } from '../support/sse-reader.js';
import { publishMany, range, startHubApp } from './hub-app.js';

/** Hub behaviour every transport must show, through an app over HTTP; `transportContract` below runs it for each transport. */
export function hubBehaviour(makeTransport: MakeTransport, { totalOrder = false }: Pick<ContractOptions, 'totalOrder'> = {}) {
  return {
    async publishesInOrderAndResumesExactlyOnce(t: TestContext) {
      const a = await startHubApp(makeTransport());
      t.after(a.close);
      const first = await connectEvents(`${a.url}/feed`);
      await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber');
      await publishMany(a.hub, 'news', 1, 20);
      const got = await first.waitForCount(20);
      assert.deepEqual(
        got.map((e) => e.data),
        range(1, 20),
      );
      first.close();
      // Missed while away: 21..40.
      await publishMany(a.hub, 'news', 21, 40);
      const back = await connectEvents(`${a.url}/feed`, { 'last-event-id': got[19]!.id! });
      await publishMany(a.hub, 'news', 41, 50);
      const resumed = await back.waitForCount(30);
      assert.deepEqual(
        resumed.map((e) => e.data),
        range(21, 50),
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(back.events.length, 30, 'nothing twice');
      assert.equal(a.hub.stats().replays, 1);
      back.close();
    },

    async resetsWhenHistoryIsGone(t: TestContext) {
      const a = await startHubApp(makeTransport({ historySize: 5 }));
      t.after(a.close);
      // A live listener that has heard all 400 before the resuming client comes: a transport delivers what was
      // published a little later (NATS, over its own connection), and an event of before the client came but heard
      // after its reset would reach it live. The test is about the reset, not about that race.
      const watcher = await connectEvents(`${a.url}/feed`);
      const ids = await publishMany(a.hub, 'news', 1, 400);
      await watcher.waitForCount(400);
      watcher.close();
      const client = await connectEvents(`${a.url}/feed`, { 'last-event-id': ids[0]! });
      const [reset] = await client.waitForCount(1);
      assert.equal(reset!.event, 'reset');
      await publishMany(a.hub, 'news', 401, 402);
      const got = await client.waitForCount(3);
      assert.deepEqual(
        got.slice(1).map((e) => e.data),
        ['401', '402'],
      );
      const unknown = await connectEvents(`${a.url}/feed`, { 'last-event-id': 'not-an-id' });
      assert.equal((await unknown.waitForCount(1))[0]!.event, 'reset');
      assert.equal(a.hub.stats().resets, 2);
      client.close();
      unknown.close();
    },

    async fansOutToManySubscribersExactlyOnce(t: TestContext, subscribers = 1000, events = 100) {
      const a = await startHubApp(makeTransport());
      t.after(a.close);
      const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
      t.after(() => agent.destroy());
      const clients = [];
      for (let i = 0; i < subscribers; i += 100) {
        clients.push(...(await Promise.all(Array.from({ length: Math.min(100, subscribers - i) }, () => connectEvents(`${a.url}/feed`, {}, agent)))));
      }
      await eventually(() => a.hub.stats().channels.news === subscribers, 10_000, 'all subscribed');
      await publishMany(a.hub, 'news', 1, events);
      await Promise.all(clients.map((c) => c.waitForCount(events, 30_000)));
      const expected = range(1, events);
      for (const client of clients)
        assert.deepEqual(
          client.events.map((e) => e.data),
          expected,
        );
      assert.equal(a.hub.stats().delivered, subscribers * events);
      for (const client of clients) client.close();
      await eventually(() => a.hub.stats().subscribers === 0, 10_000, 'all unsubscribed');
      assert.deepEqual(a.hub.stats().channels, {});
    },

    async dropsASlowSubscriberWithoutDelayingOthers(t: TestContext) {
      const a = await startHubApp(makeTransport());
      t.after(a.close);
      const { port } = new URL(a.url);
      const slow = net.connect(Number(port), '127.0.0.1');
      t.after(() => slow.destroy());
      slow.write('GET /feed HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
      slow.pause();
      const fast = await connectEvents(`${a.url}/feed`);
      await eventually(() => a.hub.stats().subscribers === 2, 3000, 'two subscribers');
      const big = 'x'.repeat(64 * 1024);
      let sent = 0;
      while (a.hub.stats().droppedSlow === 0 && sent < 2000) {
        await a.hub.publish('news', { data: big });
        sent++;
        // Let sockets breathe, as a real server's publishes would.
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(a.hub.stats().droppedSlow, 1, 'the slow subscriber was dropped');
      await fast.waitForCount(sent, 20_000);
      assert.equal(fast.events.length, sent, 'the fast subscriber got every event');
      // The slow client leaves before the app closes: on Deno.serve and Bun.serve a graceful close would
      // otherwise wait its whole shutdownTimeout for this connection, whose client stopped reading.
      slow.destroy();
      fast.close();
    },

    async filtersAndMultipleChannels(t: TestContext) {
      const a = await startHubApp(makeTransport());
      t.after(a.close);
      const both = await connectEvents(`${a.url}/feed?channels=news,sport`);
      const odd = await connectEvents(`${a.url}/odd`);
      await eventually(() => a.hub.stats().subscribers === 2, 3000, 'subscribers');
      await a.hub.publish('news', { data: 'n1' });
      await a.hub.publish('sport', { data: 's1', event: 'score' });
      await publishMany(a.hub, 'numbers', 1, 6);
      const got = await both.waitForCount(2);
      // News data starts with n, sport data with s: the channel of each event, for order per channel.
      const channelOf = (e: { data: string }) => e.data[0]!;
      assertOrdered(
        got.map((e) => ({ event: e.event, data: e.data })),
        [
          { event: undefined, data: 'n1' },
          { event: 'score', data: 's1' },
        ],
        channelOf,
        totalOrder,
      );
      assert.deepEqual(
        (await odd.waitForCount(3)).map((e) => e.data),
        ['1', '3', '5'],
      );
      // One Last-Event-ID, the last the client got (of either channel), resumes both channels exactly.
      both.close();
      await a.hub.publish('sport', { data: 's2' });
      await a.hub.publish('news', { data: 'n2' });
      const resumed = await connectEvents(`${a.url}/feed?channels=news,sport`, { 'last-event-id': got[1]!.id! });
      assertOrdered(
        (await resumed.waitForCount(2)).map((e) => ({ data: e.data })),
        [{ data: 's2' }, { data: 'n2' }],
        channelOf,
        totalOrder,
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(resumed.events.length, 2, 'nothing twice');
      resumed.close();
      odd.close();
    },

    async refusesBadInput(t: TestContext) {
      const a = await startHubApp(makeTransport());
      t.after(a.close);
      await assert.rejects(a.hub.publish('', { data: 'x' }), /SN_ERR_INVALID_CHANNEL/);
      await assert.rejects(a.hub.publish('a\nb', { data: 'x' }), /SN_ERR_INVALID_CHANNEL/);
      await assert.rejects(a.hub.publish('news', { data: 'x', event: 'bad\nname' }), /"event"/);
      await assert.rejects(a.hub.publish('news', { data: undefined }), /"data"/);
      assert.throws(() => a.hub.subscribe([]), /at least one channel/);
      assert.equal(a.hub.stats().published, 0, 'nothing was published');
    },
  };
}

type MakeTransport = (options?: { historySize?: number }) => SseTransport;

/** What a run of the contract says of its transport. */
export interface ContractOptions {
  /** Clients of the fan-out test. Default 1 000. */
  fanOutSubscribers?: number;
  /**
   * The transport's ids are ordered across channels: one sequence for every
   * channel (memory, NATS, Redis with one shard). The suite then also checks
   * that order: ids of different channels compare, delivery and replay follow
   * it across channels, and an event is delivered with the very id `append`
   * returned. A sharded transport (Redis with `shards`) promises none of that:
   * its ids are ordered per channel (per shard), and an id it delivers says
   * where the receiver stands in each shard it reads, so it differs from the
   * id `append` returned for the same event (compare() says they are equal).
   * What every transport promises, checked for all: order per channel, exact
   * replay from an id it gave, incomplete replay when history is gone.
   */
  totalOrder?: boolean;
}

/** A transport started with a recorder of what it delivers, closed when the test ends. */
async function started(t: TestContext, makeTransport: MakeTransport, options?: { historySize?: number }) {
  const transport = makeTransport(options);
  const delivered: HubEvent[] = [];
  const waiters = new Set<() => void>();
  await transport.start((event) => {
    delivered.push(event);
    for (const waiter of [...waiters]) waiter();
  });
  t.after(() => transport.close());
  /** Resolves once `count` events have been delivered. */
  const deliveredUpTo = (count: number, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (delivered.length < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${delivered.length} of ${count} events delivered`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { transport, delivered, deliveredUpTo };
}

/**
 * A subscription's channels, watched as the hub watches them before it
 * replays or goes live: a transport that reads only what local subscribers
 * need (Redis with `shards`) delivers nothing else, and the ids it delivers
 * carry the receiver's position in the shards of all these channels. The
 * transport's close ends the watch.
 */
async function watched(transport: SseTransport, channels: string[]): Promise<void> {
  await transport.watch?.(channels);
}

/** Every event on `channels` after `after`, paging `limit` at a time as the hub does; fails on an incomplete page. */
async function replayAll(transport: SseTransport, channels: string[], after: string, limit: number): Promise<HubEvent[]> {
  const all: HubEvent[] = [];
  for (let from = after; ; ) {
    const page = await transport.replay(channels, from, limit);
    assert.equal(page.complete, true, `replay after ${from} is complete`);
    assert.ok(page.events.length <= limit, 'a page holds at most `limit` events');
    all.push(...page.events);
    if (page.events.length < limit) return all;
    from = page.events[page.events.length - 1]!.id;
  }
}

/**
 * `got` is `expected`: in that very order with `totalOrder`; otherwise the
 * same events, none more, in that order within each channel (`channelOf`),
 * which is all a transport with ids ordered per channel promises.
 */
function assertOrdered<T>(got: T[], expected: T[], channelOf: (item: T) => string, totalOrder: boolean, message?: string): void {
  if (totalOrder) {
    assert.deepEqual(got, expected, message);
    return;
  }
  const byChannel = (items: T[]) => {
    const groups = new Map<string, T[]>();
    for (const item of items) groups.set(channelOf(item), [...(groups.get(channelOf(item)) ?? []), item]);
    return groups;
  };
  assert.deepEqual(byChannel(got), byChannel(expected), message && `${message} (in order per channel)`);
}

const plain = (e: HubEvent) => ({ channel: e.channel, event: e.event, data: e.data });
const byEventChannel = (e: { channel: string }) => e.channel;

/**
 * The SseTransport contract, one suite for every transport (memory, Redis,
 * Redis Cluster, sharded or not, NATS…): on the transport itself, then the
 * hub behaviour over HTTP. Each `makeTransport()` must give a transport on a
 * history of its own (a fresh key, stream…), except that it is the same
 * backend. `totalOrder`: see ContractOptions; a run whose transport orders
 * ids across channels must say so, so that order is checked too.
 */
export function transportContract(label: string, makeTransport: MakeTransport, options: ContractOptions = {}) {
  const totalOrder = options.totalOrder ?? false;

  test(`${label} transport: append returns each event's id, ordered per channel; every event is delivered once, in order, as stored`, async (t) => {
    const { transport, delivered, deliveredUpTo } = await started(t, makeTransport);
    await watched(transport, ['a', 'b']);
    const channelOf = (i: number) => (i % 3 === 0 ? 'b' : 'a');
    const appended: HubEvent[] = [];
    for (let i = 1; i <= 30; i++) {
      const channel = channelOf(i);
      const message = { data: `d${i}`, event: i % 2 === 0 ? 'even' : undefined };
      appended.push({ id: await transport.append(channel, message), channel, ...message });
    }
    const ids = appended.map((e) => e.id);
    for (const channel of ['a', 'b']) {
      const own = appended.filter((e) => e.channel === channel).map((e) => e.id);
      for (let i = 1; i < own.length; i++) {
        assert.ok(transport.compare(own[i - 1]!, own[i]!) < 0, `${channel}: ${own[i - 1]} < ${own[i]}`);
        assert.ok(transport.compare(own[i]!, own[i - 1]!) > 0, `${channel}: ${own[i]} > ${own[i - 1]}`);
      }
    }
    // Ids of different channels have an order only where the transport keeps one across channels.
    if (totalOrder) for (let i = 1; i < ids.length; i++) assert.ok(transport.compare(ids[i - 1]!, ids[i]!) < 0, `${ids[i - 1]} < ${ids[i]}`);
    assert.equal(transport.compare(ids[4]!, ids[4]!), 0);
    await deliveredUpTo(30);
    await new Promise((r) => setTimeout(r, 100));
    assertOrdered(delivered.map(plain), appended.map(plain), byEventChannel, totalOrder, 'delivered once each, in order, as stored');
    // The same event under the id append returned: exactly that id where ids are ordered across channels; for a
    // sharded transport, one that also carries the receiver's position in the other shard, and compares equal.
    if (totalOrder)
      assert.deepEqual(
        delivered.map((e) => e.id),
        ids,
        'delivered once each, in id order',
      );
    for (const event of delivered) {
      const stored = appended.find((e) => e.data === event.data)!;
      assert.equal(transport.compare(event.id, stored.id), 0, `delivered ${event.id} is appended ${stored.id}`);
      assert.equal(transport.compare(stored.id, event.id), 0, `appended ${stored.id} is delivered ${event.id}`);
    }
    for (const channel of ['a', 'b']) {
      const own = delivered.filter((e) => e.channel === channel);
      for (let i = 1; i < own.length; i++) assert.ok(transport.compare(own[i - 1]!.id, own[i]!.id) < 0, `${channel}: delivered ids in order`);
    }
    const d2 = delivered.find((e) => e.data === 'd2')!;
    assert.deepEqual(d2, { id: d2.id, channel: 'a', event: 'even', data: 'd2' }, 'nothing more than stored');
    assert.equal(delivered.find((e) => e.data === 'd1')!.event, undefined, 'no event name stays absent');
  });

  test(`${label} transport: replay pages through the events of the given channels after an id it gave, exactly`, async (t) => {
    const { transport, delivered, deliveredUpTo } = await started(t, makeTransport);
    // One subscription's channels: an id delivered for it is a resume position for any of them.
    await watched(transport, ['a', 'b', 'c', 'nobody']);
    const channelOf = (i: number) => (i % 3 === 0 ? 'c' : i % 3 === 1 ? 'a' : 'b');
    const ids: string[] = [];
    // Each delivered before the next is appended, as a client would hear them: the id of the k-th says the
    // receiver had every earlier event, of every channel, and none later.
    for (let i = 1; i <= 25; i++) {
      ids.push(await transport.append(channelOf(i), { data: String(i) }));
      await deliveredUpTo(i);
    }
    if (totalOrder)
      assert.deepEqual(
        delivered.map((e) => e.id),
        ids,
        'delivered with the ids append returned',
      );
    /** The id a client that heard the first `n` events holds. */
    const heard = (n: number) => delivered[n - 1]!.id;
    const events = (data: string[]) => data.map((d) => ({ channel: channelOf(Number(d)), data: d }));
    const got = (replayed: HubEvent[]) => replayed.map((e) => ({ channel: e.channel, data: e.data }));
    const wanted = (from: number) => range(from + 1, 25).filter((d) => Number(d) % 3 !== 0); // channels a (i%3=1) and b (i%3=2)
    assertOrdered(got(await replayAll(transport, ['a', 'b'], heard(1), 4)), events(wanted(1)), byEventChannel, totalOrder);
    assertOrdered(
      got(await replayAll(transport, ['b', 'a'], heard(10), 100)),
      events(wanted(10)),
      byEventChannel,
      totalOrder,
      'the order of the channels does not matter',
    );
    const c = await replayAll(transport, ['c'], heard(1), 3);
    assert.deepEqual(
      c.map((e) => [e.channel, e.data]),
      ['3', '6', '9', '12', '15', '18', '21', '24'].map((d) => ['c', d]),
    );
    // The id append returned resumes its own channel.
    assert.deepEqual(
      (await replayAll(transport, ['c'], ids[2]!, 3)).map((e) => e.data),
      ['6', '9', '12', '15', '18', '21', '24'],
      "from append's id of c's first event",
    );
    assert.deepEqual(await transport.replay(['a', 'b', 'c'], heard(25), 10), { events: [], complete: true }, 'nothing after the newest');
    assert.deepEqual(await transport.replay(['nobody'], heard(4), 10), { events: [], complete: true }, 'a channel without events');
  });

  test(`${label} transport: replay is incomplete for an unknown id, an id of another history, or one older than the history`, async (t) => {
    const { transport } = await started(t, makeTransport, { historySize: 5 });
    const ids: string[] = [];
    for (let i = 1; i <= 300; i++) ids.push(await transport.append('a', { data: String(i) }));
    for (const bad of ['not-an-id', '', '-1', '1-', `${ids[0]}x`])
      assert.equal((await transport.replay(['a'], bad, 10)).complete, false, `id ${JSON.stringify(bad)}`);
    assert.equal((await transport.replay(['a'], ids[0]!, 10)).complete, false, 'the history no longer reaches the first id');
    await new Promise((r) => setTimeout(r, 5));
    const other = await started(t, makeTransport);
    const otherId = await other.transport.append('a', { data: 'x' });
    await other.transport.append('a', { data: 'y' });
    assert.equal((await transport.replay(['a'], otherId, 10)).complete, false, 'an id of another history is unknown here');
    const last = await transport.replay(['a'], ids[298]!, 10);
    assert.deepEqual(last.events.map(plain), [{ channel: 'a', event: undefined, data: '300' }], 'a recent id still replays');
  });

  test(`${label} transport: channel names with '.', '*', '>', spaces and unicode round-trip through delivery and replay`, async (t) => {
    const { transport, delivered, deliveredUpTo } = await started(t, makeTransport);
    const names = ['a.b.c', '*', '>', 'orders.*.>', ' spaced name ', 'tab\there', 'ünï→😀', 'x:y/z?q=1#f', 'a'.repeat(200)];
    await watched(transport, ['before', ...names]);
    const first = await transport.append('before', { data: '0' });
    await deliveredUpTo(1);
    // What a client holds that heard 'before' and nothing since: a resume position for every one of the names.
    const before = delivered[0]!.id;
    if (totalOrder) assert.equal(before, first, 'delivered with the id append returned');
    for (const [i, channel] of names.entries()) await transport.append(channel, { data: String(i), event: 'e' });
    await deliveredUpTo(names.length + 1);
    assertOrdered(
      delivered.slice(1).map(plain),
      names.map((channel, i) => ({ channel, event: 'e', data: String(i) })),
      byEventChannel,
      totalOrder,
    );
    for (const [i, channel] of names.entries()) {
      const { events, complete } = await transport.replay([channel], before, 10);
      assert.equal(complete, true);
      assert.deepEqual(events.map(plain), [{ channel, event: 'e', data: String(i) }], `replay of ${JSON.stringify(channel)} has only its own event`);
    }
  });

  const behaviour = hubBehaviour(makeTransport, { totalOrder });
  test(`${label} hub: publishes in order and resumes exactly once`, (t) => behaviour.publishesInOrderAndResumesExactlyOnce(t));
  test(`${label} hub: a client older than the history gets reset`, (t) => behaviour.resetsWhenHistoryIsGone(t));
  test(`${label} hub: ${options.fanOutSubscribers ?? 1000} subscribers each get every one of 100 events exactly once`, (t) =>
    behaviour.fansOutToManySubscribersExactlyOnce(t, options.fanOutSubscribers ?? 1000));
  const slowSkip = runtimeSkip(`${label === 'memory' ? 'memory ' : ''}hub: a slow subscriber is dropped without delaying the others`);
  test(`${label} hub: a slow subscriber is dropped without delaying the others`, slowSkip, (t) => behaviour.dropsASlowSubscriberWithoutDelayingOthers(t));
  test(`${label} hub: filters and several channels with one Last-Event-ID`, (t) => behaviour.filtersAndMultipleChannels(t));
  test(`${label} hub: bad input is refused with clear errors`, (t) => behaviour.refusesBadInput(t));
}

/**
 * Two instances on one shared history (a Redis key, a NATS stream): 200 events
 * published on A reach a client on B in order, and a client that left B resumes
 * on A with Last-Event-ID, exactly.
 */
export function twoInstancesShareChannels(label: string, makePair: () => [SseTransport, SseTransport]): void {
  test(`${label}; 200 events published on A arrive at a client on B in order, and a client resumes across instances`, async (t) => {
    const [first, second] = makePair();
    const a = await startHubApp(first);
    t.after(a.close);
    const b = await startHubApp(second);
    t.after(b.close);
    const onB = await connectEvents(`${b.url}/feed`);
    await eventually(() => b.hub.stats().subscribers === 1, 3000, 'subscriber on B');
    await publishMany(a.hub, 'news', 1, 200);
    const got = await onB.waitForCount(200);
    assert.deepEqual(
      got.map((e) => e.data),
      range(1, 200),
    );
    // Disconnect from B, miss 50 events, resume on A with Last-Event-ID.
    onB.close();
    await publishMany(b.hub, 'news', 201, 250);
    const onA = await connectEvents(`${a.url}/feed`, { 'last-event-id': got[199]!.id! });
    await publishMany(a.hub, 'news', 251, 260);
    const resumed = await onA.waitForCount(60);
    assert.deepEqual(
      resumed.map((e) => e.data),
      range(201, 260),
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(onA.events.length, 60, 'none twice');
    onA.close();
  });
}

/**
 * After a fault: every acknowledged event arrived once, in order; nothing the
 * publisher was told was not stored arrived (unconfirmed ones may or may not).
 */
export function assertDeliveredOnce(delivered: readonly string[], acknowledged: readonly string[], unconfirmed: readonly string[]): void {
  assert.deepEqual(
    delivered.filter((d) => acknowledged.includes(d)),
    acknowledged,
    'every acknowledged event, in order, once each',
  );
  assert.deepEqual(
    delivered.filter((d) => !acknowledged.includes(d) && !unconfirmed.includes(d)),
    [],
    'nothing said unstored arrives',
  );
  assert.equal(new Set(delivered).size, delivered.length, 'no event twice');
}
