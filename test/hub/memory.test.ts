import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, type HubSubscription, MemoryTransport, Sse, SseHub, SseModule } from 'streamnest';
import { startApp } from '../support/app.js';
import { connectEvents } from '../support/event-client.js';
import { eventually } from '../support/sse-reader.js';
import { transportContract } from './hub-behaviour.js';
import { startHubApp } from './hub-app.js';
import { assertCoded, notingFilter } from '../support/coded-error.js';

// The SseTransport contract every transport passes (test/hub/hub-behaviour.ts).
// One sequence of ids for every channel: `totalOrder`.
transportContract('memory', (options) => new MemoryTransport({ maxEvents: options?.historySize ?? 1000 }), { totalOrder: true });

test('memory hub: history is also bounded by age', async (t) => {
  const a = await startHubApp(new MemoryTransport({ maxAgeMs: 50 }));
  t.after(a.close);
  const first = await a.hub.publish('news', { data: 'seen' });
  await a.hub.publish('news', { data: 'missed, then expired' });
  await new Promise((r) => setTimeout(r, 120));
  await a.hub.publish('news', { data: 'new' });
  const client = await connectEvents(`${a.url}/feed`, { 'last-event-id': first });
  const events = await client.waitForCount(1);
  assert.equal(events[0]!.event, 'reset', "the event after the client's id expired, so replay cannot be exact");
  client.close();
});

test('memory hub: the opt-in stats endpoint and graceful shutdown with a retry hint', async (t) => {
  const a = await startHubApp(new MemoryTransport(), '/sse/stats');
  let closed = false;
  t.after(() => (closed ? undefined : a.close()));
  const client = await connectEvents(`${a.url}/feed`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber');
  await a.hub.publish('news', { data: 'hello' });
  await client.waitForCount(1);
  const stats = await (await fetch(`${a.url}/sse/stats`)).json();
  assert.deepEqual(stats, {
    channels: { news: 1 },
    subscribers: 1,
    published: 1,
    delivered: 1,
    droppedSlow: 0,
    replays: 0,
    resets: 0,
    resetReasons: { 'history-unavailable': 0, 'replay-limit': 0 },
    publishFailures: 0,
    replaysRefused: 0,
    replaying: { reading: 0, waiting: 0 },
  });
  await a.close();
  closed = true;
  await client.ended;
  assert.equal(client.retries.length, 1, 'a retry hint came before the end');
  assert.ok(client.retries[0]! >= 1000 && client.retries[0]! <= 2000, `retry ${client.retries[0]} has jitter within [1000, 2000]`);
});

test('memory hub: a channel larger than one fan-out slice gets bursts in order, exactly once, across loop turns', async (t) => {
  const FANOUT_SUBSCRIBERS = 2500;
  const http = await import('node:http');
  const a = await startHubApp(new MemoryTransport());
  t.after(a.close);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  t.after(() => agent.destroy());
  const clients = [];
  for (let i = 0; i < FANOUT_SUBSCRIBERS; i += 250) {
    clients.push(...(await Promise.all(Array.from({ length: 250 }, () => connectEvents(`${a.url}/feed`, {}, agent)))));
  }
  await eventually(() => a.hub.stats().subscribers === FANOUT_SUBSCRIBERS, 10_000, 'all subscribed');
  // Published without yielding: later events queue behind the first fan-out and go out coalesced.
  await Promise.all(Array.from({ length: 30 }, (_, i) => a.hub.publish('news', { data: String(i + 1) })));
  const expected = Array.from({ length: 30 }, (_, i) => String(i + 1));
  await Promise.all(clients.map((c) => c.waitForCount(30, 30_000)));
  for (const client of clients)
    assert.deepEqual(
      client.events.map((e) => e.data),
      expected,
    );
  assert.equal(a.hub.stats().delivered, FANOUT_SUBSCRIBERS * 30);
  for (const client of clients) client.close();
});

test('memory hub: a filter that throws skips that event for that client only; the stream goes on', async (t) => {
  @Controller()
  class Picky {
    constructor(private readonly hub: SseHub) {}
    @Sse('picky')
    picky() {
      return this.hub.subscribe('numbers', {
        filter: (e) => {
          if (e.data === '2') throw new Error('bad filter');
          return true;
        },
      });
    }
  }
  const { app, url, close } = await startApp({ imports: [SseModule.forRoot()], controllers: [Picky] });
  t.after(close);
  const hub = app.get(SseHub);
  const client = await connectEvents(`${url}/picky`);
  await eventually(() => hub.stats().subscribers === 1, 3000, 'subscriber');
  for (const n of ['1', '2', '3']) await hub.publish('numbers', { data: n });
  assert.deepEqual(
    (await client.waitForCount(2)).map((e) => e.data),
    ['1', '3'],
  );
  client.close();
});

test('memory hub: one subscription returned to a second request is refused with a 500 (SN_ERR_SSE_ATTACHED); the first client keeps it', async (t) => {
  let kept: HubSubscription | undefined;
  @Controller()
  class Shared {
    constructor(private readonly hub: SseHub) {}
    /** Wrongly keeps one subscription for every caller. */
    @Sse('shared')
    shared() {
      kept ??= this.hub.subscribe('news');
      return kept;
    }
  }
  const { filter, caught } = notingFilter();
  const { app, url, close } = await startApp({ imports: [SseModule.forRoot()], controllers: [Shared] }, (app) => {
    app.useGlobalFilters(filter);
  });
  t.after(close);
  const hub = app.get(SseHub);
  const first = await connectEvents(`${url}/shared`);
  t.after(() => first.close());
  await eventually(() => hub.stats().subscribers === 1, 3000, 'subscriber');
  const second = await fetch(`${url}/shared`);
  assert.equal(second.status, 500);
  await second.body?.cancel();
  assert.equal(caught.length, 1);
  assertCoded(caught[0], 'SN_ERR_SSE_ATTACHED', 'TypeError', /this hub subscription already answers a request/);
  await hub.publish('news', { data: 'still here' });
  assert.deepEqual(
    (await first.waitForCount(1)).map((e) => e.data),
    ['still here'],
  );
  assert.equal(hub.stats().subscribers, 1);
});

test('memory transport and publish refuse bad options and messages, naming what is wrong', async (t) => {
  assert.throws(() => new MemoryTransport({ maxEvents: -1 }), /SN_ERR_INVALID_HUB_OPTION.*"maxEvents"/);
  assert.throws(() => new MemoryTransport({ maxAgeMs: 1.5 }), /"maxAgeMs"/);
  const a = await startHubApp(new MemoryTransport());
  t.after(a.close);
  await assert.rejects(a.hub.publish('news', null as never), /must be an object/);
  await assert.rejects(a.hub.publish('news', { data: () => 1 }), /"data"/);
});

test('memory hub: streams on one channel alone share one frozen list of it, made anew once the channel empties', async (t) => {
  const a = await startHubApp(new MemoryTransport());
  t.after(a.close);
  const first = await connectEvents(`${a.url}/feed?channels=news`);
  const second = await connectEvents(`${a.url}/feed?channels=news`);
  await eventually(() => a.hub.stats().subscribers === 2, 3000, 'both subscribed');
  const one = a.hub.subscribe('news');
  assert.equal(one.channels, a.hub.subscribe('news').channels, 'one list, not one per stream');
  assert.ok(Object.isFrozen(one.channels), 'shared, so nobody may change it');
  assert.deepEqual(one.channels, ['news']);
  assert.deepEqual(a.hub.subscribe(['news', 'sport']).channels, ['news', 'sport'], 'a list of several is its own');
  await a.hub.publish('news', { data: 'n1' });
  assert.deepEqual(
    (await first.waitForCount(1)).map((e) => e.data),
    ['n1'],
  );
  assert.deepEqual(
    (await second.waitForCount(1)).map((e) => e.data),
    ['n1'],
  );
  first.close();
  second.close();
  await eventually(() => a.hub.stats().subscribers === 0, 3000, 'both gone');
  assert.notEqual(a.hub.subscribe('news').channels, one.channels, 'the list went with the channel');
  const again = await connectEvents(`${a.url}/feed?channels=news`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscribed again');
  await a.hub.publish('news', { data: 'n2' });
  assert.deepEqual(
    (await again.waitForCount(1)).map((e) => e.data),
    ['n2'],
  );
  again.close();
});
