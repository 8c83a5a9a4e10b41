import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { TestContext } from 'node:test';
import type { SseTransport } from 'streamnest';
import { connectEvents } from '../support/event-client.js';
import { eventually } from '../support/sse-reader.js';
import { publishMany, range, startHubApp } from './hub-app.js';

/** Hub behaviour every transport must show; run by the memory and the Redis test files. */
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
