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
export function hubBehaviour(makeTransport: (options?: { historySize?: number }) => SseTransport) {
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
      const ids = await publishMany(a.hub, 'news', 1, 400);
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
      assert.deepEqual(
        got.map((e) => [e.event, e.data]),
        [
          [undefined, 'n1'],
          ['score', 's1'],
        ],
      );
      assert.deepEqual(
        (await odd.waitForCount(3)).map((e) => e.data),
        ['1', '3', '5'],
      );
      // One Last-Event-ID resumes both channels exactly.
      both.close();
      await a.hub.publish('sport', { data: 's2' });
      await a.hub.publish('news', { data: 'n2' });
      const resumed = await connectEvents(`${a.url}/feed?channels=news,sport`, { 'last-event-id': got[1]!.id! });
      assert.deepEqual(
        (await resumed.waitForCount(2)).map((e) => e.data),
        ['s2', 'n2'],
      );
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

/** A transport started with a recorder of what it delivers, closed when the test ends. */
async function started(t: TestContext, makeTransport: MakeTransport, options?: { historySize?: number }) {
  const transport = makeTransport(options);
  const delivered: HubEvent[] = [];
  await transport.start((event) => delivered.push(event));
  t.after(() => transport.close());
  return { transport, delivered };
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

const plain = (e: HubEvent) => ({ channel: e.channel, event: e.event, data: e.data });

/**
 * The SseTransport contract, one suite for every transport (memory, Redis,
 * NATS…): on the transport itself, then the hub behaviour over HTTP. Each
 * `makeTransport()` must give a transport on a history of its own (a fresh key,
 * stream…), except that it is the same backend.
 */
export function transportContract(label: string, makeTransport: MakeTransport, options: { fanOutSubscribers?: number } = {}) {
  test(`${label} transport: append returns ordered ids; every event is delivered once, in order, as stored`, async (t) => {
    const { transport, delivered } = await started(t, makeTransport);
    const ids: string[] = [];
    for (let i = 1; i <= 30; i++) ids.push(await transport.append(i % 3 === 0 ? 'b' : 'a', { data: `d${i}`, event: i % 2 === 0 ? 'even' : undefined }));
    for (let i = 1; i < ids.length; i++) assert.ok(transport.compare(ids[i - 1]!, ids[i]!) < 0, `${ids[i - 1]} < ${ids[i]}`);
    assert.equal(transport.compare(ids[4]!, ids[4]!), 0);
    await eventually(() => delivered.length >= 30, 10_000, 'all delivered');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      delivered.map((e) => e.id),
      ids,
      'delivered once each, in id order',
    );
    assert.deepEqual(delivered[1], { id: ids[1], channel: 'a', event: 'even', data: 'd2' });
    assert.equal(delivered[0]!.event, undefined, 'no event name stays absent');
  });

  test(`${label} transport: replay pages through the events of the given channels after an id, exactly`, async (t) => {
    const { transport } = await started(t, makeTransport);
    const ids: string[] = [];
    for (let i = 1; i <= 25; i++) ids.push(await transport.append(i % 3 === 0 ? 'c' : i % 3 === 1 ? 'a' : 'b', { data: String(i) }));
    const wanted = (from: number) => range(from + 1, 25).filter((d) => Number(d) % 3 !== 0); // channels a (i%3=1) and b (i%3=2)
    assert.deepEqual(
      (await replayAll(transport, ['a', 'b'], ids[0]!, 4)).map((e) => e.data),
      wanted(1),
    );
    assert.deepEqual(
      (await replayAll(transport, ['b', 'a'], ids[9]!, 100)).map((e) => e.data),
      wanted(10),
      'the order of the channels does not matter',
    );
    const c = await replayAll(transport, ['c'], ids[0]!, 3);
    assert.deepEqual(
      c.map((e) => [e.channel, e.data]),
      ['3', '6', '9', '12', '15', '18', '21', '24'].map((d) => ['c', d]),
    );
    assert.deepEqual(await transport.replay(['a', 'b', 'c'], ids[24]!, 10), { events: [], complete: true }, 'nothing after the newest');
    assert.deepEqual(await transport.replay(['nobody'], ids[3]!, 10), { events: [], complete: true }, 'a channel without events');
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
    const { transport, delivered } = await started(t, makeTransport);
    const names = ['a.b.c', '*', '>', 'orders.*.>', ' spaced name ', 'tab\there', 'ünï→😀', 'x:y/z?q=1#f', 'a'.repeat(200)];
    const first = await transport.append('before', { data: '0' });
    for (const [i, channel] of names.entries()) await transport.append(channel, { data: String(i), event: 'e' });
    await eventually(() => delivered.length >= names.length + 1, 10_000, 'all delivered');
    assert.deepEqual(
      delivered.slice(1).map((e) => e.channel),
      names,
    );
    for (const [i, channel] of names.entries()) {
      const { events, complete } = await transport.replay([channel], first, 10);
      assert.equal(complete, true);
      assert.deepEqual(events.map(plain), [{ channel, event: 'e', data: String(i) }], `replay of ${JSON.stringify(channel)} has only its own event`);
    }
  });

  const behaviour = hubBehaviour(makeTransport);
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
