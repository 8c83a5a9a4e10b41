import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStreamsTransport } from 'streamnest/redis';
import { SseHub, SseModule } from 'streamnest';
import { shardOf } from '#internal/redis/shard-map.js';
import { HubSubscription, type HubLink } from '#internal/sse/hub/hub-subscription.js';
import type { Outgoing } from '#internal/sse/hub/channel-fanout.js';
import { EncodedEvent } from '#internal/sse/encoded-event.js';
import { SSE_ATTACH } from '#internal/sse/attachable.js';
import { connectEvents, type EventClient } from '../support/event-client.js';
import { monitorCommands, PrivateRedis, redisUrl } from '../support/redis.js';
import { eventually } from '../support/sse-reader.js';
import { FeedController, publishMany, range, startHubApp } from './hub-app.js';
import { startApp } from '../support/app.js';

const url = await redisUrl();
const key = () => `streamnest:test:${randomUUID()}`;
const SHARDS = 4;
const sharded = (options: ConstructorParameters<typeof RedisStreamsTransport>[0] = {}) =>
  new RedisStreamsTransport({ url, key: key(), shards: SHARDS, ...options });

/** Two channels in different shards of four (FNV-1a of the name): news in 2, sport in 1, weather in 3. */
const [NEWS, SPORT, WEATHER] = ['news', 'sport', 'weather'] as const;

test('the test channels are in three different shards', () => {
  assert.deepEqual(
    [NEWS, SPORT, WEATHER].map((c) => shardOf(c, SHARDS)),
    [2, 1, 3],
  );
  assert.equal(shardOf('anything', 1), 0);
});

// The SseTransport contract, hub behaviour included, runs on four shards in redis.test.ts ('redis, 4 shards');
// what is particular to shards is here.

function byChannel(client: EventClient, data: (d: string) => boolean): string[] {
  return client.events.filter((e) => data(e.data)).map((e) => e.data);
}

test('redis hub, 4 shards: a client on channels in two shards resumes exactly, on another instance, after both were published to at once while it was away', async (t) => {
  const shared = key();
  const a = await startHubApp(new RedisStreamsTransport({ url, key: shared, shards: SHARDS }));
  t.after(a.close);
  const b = await startHubApp(new RedisStreamsTransport({ url, key: shared, shards: SHARDS }));
  t.after(b.close);
  const feed = `/feed?channels=${NEWS},${SPORT}`;

  const first = await connectEvents(`${a.url}${feed}`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber on A');
  await Promise.all([publishMany(a.hub, NEWS, 1, 30), publishMany(b.hub, SPORT, 1, 30)]);
  const seen = await first.waitForCount(60);
  // The id says where the client stands in both shards: `<shard>:<stream id>` for the event's own, then the other.
  const lastId = seen[59]!.id!;
  assert.match(lastId, /^[12]:\d+-\d+,[12]:\d+-\d+$/, lastId);
  first.close();
  await eventually(() => a.hub.stats().subscribers === 0, 3000, 'gone from A');

  // While it is away: both shards at once, from both instances, and a third channel it does not read.
  const news = (from: number, to: number) => range(from, to).map((n) => `n${n}`);
  const sport = (from: number, to: number) => range(from, to).map((n) => `s${n}`);
  const publish = async (hub: typeof a.hub, channel: string, values: string[]) => {
    for (const data of values) await hub.publish(channel, { data });
  };
  await Promise.all([
    publish(a.hub, NEWS, news(1, 100)),
    publish(b.hub, SPORT, sport(1, 100)),
    publish(a.hub, SPORT, sport(101, 150)),
    publish(b.hub, WEATHER, range(1, 50)),
  ]);
  // Resumes on B while both shards keep being published to.
  const back = await connectEvents(`${b.url}${feed}`, { 'last-event-id': lastId });
  await Promise.all([publish(a.hub, NEWS, news(101, 150)), publish(b.hub, SPORT, sport(151, 200))]);
  await back.waitForCount(350);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(back.events.length, 350, 'nothing twice, nothing else');
  assert.equal(back.events[0]!.event, undefined, 'no reset');
  assert.deepEqual(
    byChannel(back, (d) => d.startsWith('n')),
    news(1, 150),
    'every news event missed and after, in order',
  );
  // Sport came from two publishers at once: each one's events in its order, all of them, once.
  const sportGot = byChannel(back, (d) => d.startsWith('s'));
  assert.deepEqual(
    sportGot.filter((d) => Number(d.slice(1)) <= 100),
    sport(1, 100),
  );
  assert.deepEqual(
    sportGot.filter((d) => Number(d.slice(1)) > 100 && Number(d.slice(1)) <= 150),
    sport(101, 150),
  );
  assert.deepEqual([...sportGot].sort(), sport(1, 200).sort());
  assert.equal(b.hub.stats().replays, 1);

  // And again, from the middle of that stream: an id of the replay resumes as exactly as a live one.
  const middle = back.events[120]!;
  back.close();
  const again = await connectEvents(`${a.url}${feed}`, { 'last-event-id': middle.id! });
  await again.waitForCount(350 - 121);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(
    again.events.map((e) => e.data).sort(),
    back.events
      .slice(121)
      .map((e) => e.data)
      .sort(),
  );
  again.close();
});

test('redis hub, 4 shards: a process reads only the shards its subscribers need, starts one at once, and stops when the last leaves (seen in Redis MONITOR)', async (t) => {
  const prefix = key();
  const transport = new RedisStreamsTransport({ url, key: prefix, shards: SHARDS, blockMs: 200 });
  const a = await startHubApp(transport);
  t.after(a.close);
  const xreads: string[][] = [];
  const stopMonitor = await monitorCommands(url, (args) => {
    if (args[0]?.toLowerCase() === 'xread' && args.some((arg) => arg.startsWith(prefix))) xreads.push(args.filter((arg) => arg.startsWith(prefix)));
  });
  t.after(stopMonitor);
  const shardKey = (channel: string) => `${prefix}:{${shardOf(channel, SHARDS)}}`;

  await new Promise((r) => setTimeout(r, 400));
  assert.deepEqual(transport.stats().reading, [], 'no subscriber: no shard');
  assert.equal(xreads.length, 0, 'no XREAD at all');

  const onNews = await connectEvents(`${a.url}/feed?channels=${NEWS}`);
  await eventually(() => xreads.length > 0, 3000, 'an XREAD');
  assert.deepEqual(transport.stats().reading, [shardOf(NEWS, SHARDS)]);
  await a.hub.publish(WEATHER, { data: 'not read here' });
  await a.hub.publish(NEWS, { data: 'n1' });
  await onNews.waitForCount(1);

  const onBoth = await connectEvents(`${a.url}/feed?channels=${NEWS},${SPORT}`);
  await eventually(() => transport.stats().reading.length === 2, 3000, 'sport shard read');
  await eventually(() => xreads.at(-1)!.length === 2, 3000, 'one XREAD over both shards');
  assert.deepEqual(new Set(xreads.at(-1)), new Set([shardKey(NEWS), shardKey(SPORT)]));
  assert.ok(
    xreads.every((keys) => !keys.includes(shardKey(WEATHER))),
    'the weather shard was never read',
  );

  onBoth.close();
  await eventually(() => transport.stats().reading.length === 1, 3000, 'sport shard dropped');
  const before = xreads.length;
  await eventually(() => xreads.length > before + 1, 3000, 'more XREADs');
  assert.deepEqual(xreads.at(-1), [shardKey(NEWS)], 'the XREAD no longer names the sport shard');

  onNews.close();
  await eventually(() => transport.stats().reading.length === 0, 3000, 'no shard read');
  await new Promise((r) => setTimeout(r, 300));
  const idle = xreads.length;
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(xreads.length, idle, 'no XREAD once no subscriber is left');
  assert.equal(onNews.events.length, 1, 'the weather event never reached the news client');
});

test('redis hub, 4 shards: a subscriber on a new shard gets its events at once, though the reader was blocked in a long XREAD', async (t) => {
  const transport = sharded({ blockMs: 30_000 });
  const a = await startHubApp(transport);
  t.after(a.close);
  const onNews = await connectEvents(`${a.url}/feed?channels=${NEWS}`);
  await eventually(() => transport.stats().reading.length === 1, 3000, 'news shard read');
  // Let the reader block on the news shard alone.
  await new Promise((r) => setTimeout(r, 200));
  const onSport = await connectEvents(`${a.url}/feed?channels=${SPORT}`);
  await eventually(() => transport.stats().reading.length === 2, 1000, 'sport shard started within a second');
  const started = Date.now();
  await a.hub.publish(SPORT, { data: 's1' });
  await onSport.waitForCount(1, 2000);
  assert.ok(Date.now() - started < 2000);
  onNews.close();
  onSport.close();
});

test('redis hub, 4 shards: an event published from another instance as soon as a stream opens reaches it, though its shard starts late', async (t) => {
  // A Redis where the transport may not CLIENT UNBLOCK: a new shard then starts only when the
  // blocked XREAD ends, up to blockMs later. The stream must not open before it has.
  const redis = await PrivateRedis.start();
  t.after(() => redis.stop());
  const admin = new Redis(redis.url);
  await admin.call('ACL', 'SETUSER', 'default', '-client|unblock');
  admin.disconnect();
  const shared = key();
  const a = await startHubApp(new RedisStreamsTransport({ url: redis.url, key: shared, shards: SHARDS, blockMs: 1_000 }));
  t.after(a.close);
  const b = await startHubApp(new RedisStreamsTransport({ url: redis.url, key: shared, shards: SHARDS }));
  t.after(b.close);
  const onWeather = await connectEvents(`${a.url}/feed?channels=${WEATHER}`);
  await new Promise((r) => setTimeout(r, 100)); // the reader now waits in XREAD on the weather shard alone
  const opening = Date.now();
  const onNews = await connectEvents(`${a.url}/feed?channels=${NEWS}`);
  t.diagnostic(`the news stream opened after ${Date.now() - opening} ms`);
  await b.hub.publish(NEWS, { data: 'first' });
  assert.deepEqual(
    (await onNews.waitForCount(1, 3000)).map((e) => e.data),
    ['first'],
  );
  onWeather.close();
  onNews.close();
});

test('redis hub, 4 shards: with Redis down a new stream still opens, after replay.readTimeout, and hears events once Redis is back', async (t) => {
  const redis = await PrivateRedis.start();
  t.after(() => redis.stop());
  const transport = new RedisStreamsTransport({ url: redis.url, key: key(), shards: SHARDS, blockMs: 200 });
  const running = await startApp({ imports: [SseModule.forRoot({ transport, replay: { readTimeout: 400 } })], controllers: [FeedController] });
  t.after(running.close);
  const hub = running.app.get(SseHub);
  await redis.stop();
  const opening = Date.now();
  const onNews = await connectEvents(`${running.url}/feed?channels=${NEWS}`);
  const waited = Date.now() - opening;
  assert.ok(waited >= 350 && waited < 3000, `opened after ${waited} ms`);
  await redis.restart();
  await eventually(() => transport.stats().reading.length === 1, 10_000, 'news shard read once Redis is back');
  await eventually(
    async () =>
      hub.publish(NEWS, { data: 'back' }).then(
        () => true,
        () => false,
      ),
    10_000,
    'publish accepted',
  );
  assert.equal((await onNews.waitForCount(1, 5000))[0]!.data, 'back');
  onNews.close();
});

test('redis hub, 4 shards: a client that leaves while its shard is starting lets go of it at once', async (t) => {
  const redis = await PrivateRedis.start();
  t.after(() => redis.stop());
  const transport = new RedisStreamsTransport({ url: redis.url, key: key(), shards: SHARDS, blockMs: 200 });
  const a = await startHubApp(transport);
  t.after(a.close);
  await redis.stop();
  const leaving = new AbortController();
  const request = fetch(`${a.url}/feed?channels=${NEWS}`, { signal: leaving.signal }).catch(() => undefined);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber waiting for its shard');
  assert.deepEqual(transport.stats().starting, [shardOf(NEWS, SHARDS)]);
  leaving.abort();
  await request;
  // Well before the hub's 5 s bound on the wait.
  await eventually(() => a.hub.stats().subscribers === 0 && transport.stats().starting.length === 0, 1000, 'subscription gone');
  await redis.restart();
});

test('redis hub, 4 shards: a client whose position in one of its shards was trimmed gets reset, then live events', async (t) => {
  const a = await startHubApp(sharded({ maxLen: 5 }));
  t.after(a.close);
  const feed = `/feed?channels=${NEWS},${SPORT}`;
  const first = await connectEvents(`${a.url}${feed}`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber');
  await a.hub.publish(NEWS, { data: 'n0' });
  await a.hub.publish(SPORT, { data: 's0' });
  const [, last] = await first.waitForCount(2);
  first.close();
  // Sport keeps the client's position; news trims it away (MAXLEN is per shard).
  await a.hub.publish(SPORT, { data: 's1' });
  await publishMany(a.hub, NEWS, 1, 400);
  const back = await connectEvents(`${a.url}${feed}`, { 'last-event-id': last!.id! });
  const [reset] = await back.waitForCount(1);
  assert.equal(reset!.event, 'reset');
  await a.hub.publish(SPORT, { data: 's2' });
  assert.equal((await back.waitForCount(2))[1]!.data, 's2');
  back.close();
});

test('redis hub, 4 shards: ids that do not cover the channels asked for, or are not ours, get reset', async (t) => {
  const a = await startHubApp(sharded());
  t.after(a.close);
  const newsId = await a.hub.publish(NEWS, { data: 'n1' });
  assert.match(newsId, /^2:\d+-\d+$/, 'a publisher gets its event position in its shard');
  const hostile = [
    newsId, // says nothing of sport's shard
    '1-0', // an unsharded id
    '9:1-0', // no shard 9 of 4
    '2:1-0,2:1-0', // a shard twice
    `2:${'9'.repeat(30)}-0`,
    'x'.repeat(10_000),
    `${newsId},1:0-0,`,
  ];
  for (const id of hostile) {
    const client = await connectEvents(`${a.url}/feed?channels=${NEWS},${SPORT}`, { 'last-event-id': id });
    assert.equal((await client.waitForCount(1))[0]!.event, 'reset', id.slice(0, 40));
    client.close();
  }
  // The same news id covers a news-only client: it resumes (nothing missed, so no event and no reset).
  const newsOnly = await connectEvents(`${a.url}/feed?channels=${NEWS}`, { 'last-event-id': newsId });
  await a.hub.publish(NEWS, { data: 'n2' });
  assert.deepEqual(
    (await newsOnly.waitForCount(1)).map((e) => e.data),
    ['n2'],
  );
  newsOnly.close();
  assert.equal(a.hub.stats().resets, hostile.length);
});

test('redis transport: every process on a key must use the same shard count', async (t) => {
  const shared = key();
  const four = await startHubApp(new RedisStreamsTransport({ url, key: shared, shards: 4 }));
  t.after(four.close);
  await assert.rejects(startHubApp(new RedisStreamsTransport({ url, key: shared, shards: 8 })), /SN_ERR_REDIS_SHARDS_MISMATCH.*split into 4 shards.*shards: 8/);
  assert.throws(() => new RedisStreamsTransport({ url, shards: 0 }), /"shards" must be a positive integer/);
  assert.throws(() => new RedisStreamsTransport({ url, shards: 5000 }), /"shards" must be at most 1024/);
});

test('redis hub, 4 shards: Redis restarts while two shards are published to; a client on both gets every acknowledged event once, in order per channel', async (t) => {
  // Durable: an event acknowledged just before the kill, not yet read, must still be in Redis after it.
  const redis = await PrivateRedis.start({ durable: true });
  t.after(() => redis.stop());
  const a = await startHubApp(new RedisStreamsTransport({ url: redis.url, key: key(), shards: SHARDS, blockMs: 200 }));
  t.after(a.close);
  const client = await connectEvents(`${a.url}/feed?channels=${NEWS},${SPORT}`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber');
  const acknowledged: Record<string, string[]> = { [NEWS]: [], [SPORT]: [] };
  const unconfirmed: string[] = [];
  let refused = 0;
  const publishing = (channel: string) =>
    (async () => {
      for (let n = 1; n <= 150; n++) {
        const data = `${channel}-${n}`;
        try {
          await a.hub.publish(channel, { data });
          acknowledged[channel]!.push(data);
        } catch (error) {
          refused++;
          if (/SN_ERR_PUBLISH_UNCONFIRMED/.test((error as Error).message)) unconfirmed.push(data);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
  const both = Promise.all([publishing(NEWS), publishing(SPORT)]);
  await eventually(() => acknowledged[NEWS]!.length >= 30, 10_000, 'some events before the restart');
  await redis.stop();
  await eventually(() => refused >= 3, 10_000, 'publishes refused while Redis is down');
  await redis.restart();
  await both;
  const total = acknowledged[NEWS]!.length + acknowledged[SPORT]!.length;
  await client.waitForCount(total, 20_000).catch((error) => {
    const got = new Set(client.events.map((e) => e.data));
    const missing = [...acknowledged[NEWS]!, ...acknowledged[SPORT]!].filter((d) => !got.has(d));
    // Says which acknowledged events never came, should this ever fail again.
    t.diagnostic(
      `missing ${JSON.stringify(missing)}; unconfirmed ${JSON.stringify(unconfirmed)}; refused ${refused}; last ${JSON.stringify(client.events.slice(-4).map((e) => [e.id, e.data]))}`,
    );
    throw error;
  });
  await new Promise((r) => setTimeout(r, 300));
  const delivered = client.events.map((e) => e.data);
  assert.equal(new Set(delivered).size, delivered.length, 'no event twice');
  for (const channel of [NEWS, SPORT]) {
    assert.deepEqual(
      delivered.filter((d) => acknowledged[channel]!.includes(d)),
      acknowledged[channel],
      `every acknowledged ${channel} event, in order`,
    );
  }
  assert.deepEqual(
    delivered.filter((d) => !acknowledged[NEWS]!.includes(d) && !acknowledged[SPORT]!.includes(d) && !unconfirmed.includes(d)),
    [],
  );
  client.close();
});

test('sharded ids: a catch-up floor ends shard by shard, so an event the replay sent is not sent again after a newer one of another shard', () => {
  // Ids are pure functions of the transport: no Redis needed.
  const transport = new RedisStreamsTransport({ url, shards: SHARDS });
  const link: HubLink = {
    attach: () => undefined,
    detach: () => undefined,
    compare: (a, b) => transport.compare(a, b),
    floorAfter: (floor, sent) => transport.floorAfter(floor, sent),
  };
  // The client has news (shard 2) up to 100-0 and sport (shard 1) up to 200-0.
  const subscription = new HubSubscription([NEWS, SPORT], '2:100-0,1:200-0', undefined, link);
  subscription[SSE_ATTACH]();
  const live = (id: string, channel: string): Outgoing => ({ event: { id, channel, data: id }, bytes: EncodedEvent.of(`id: ${id}\ndata: x\n\n`) });
  // Live, in this process's order: a news event it lacks, a sport event it has (190 <= 200), a sport event it lacks.
  const sent = subscription.receive([live('2:101-0,1:190-0', NEWS), live('1:190-0,2:101-0', SPORT), live('1:201-0,2:101-0', SPORT)]);
  assert.equal(subscription.goLive() + sent, 2, 'the news event and sport 201, not sport 190 again');
  // Once both shards are passed, the floor is gone: any later event goes out.
  assert.equal(subscription.receive([live('1:195-0', SPORT)]), 1);

  assert.equal(transport.compare('2:101-0', '2:100-0,1:200-0'), 1);
  assert.equal(transport.compare('1:200-0,2:5-0', '2:100-0,1:200-0'), 0);
  assert.equal(transport.compare('3:1-0', '2:100-0,1:200-0'), 1, 'a shard the floor does not name is news');
  assert.equal(transport.floorAfter('2:100-0,1:200-0', '2:101-0'), '1:200-0');
  assert.equal(transport.floorAfter('1:200-0', '1:201-0'), undefined);
  const single = new RedisStreamsTransport({ url });
  assert.equal(single.floorAfter('5-0', '6-0'), undefined, 'one shard: ids ordered across channels, the floor ends at the first newer one');
});
