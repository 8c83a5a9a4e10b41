import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { RedisStreamsTransport } from 'streamnest/redis';
import { shardOf } from '#internal/redis/shard-map.js';
import { connectEvents, type EventClient } from '../support/event-client.js';
import { monitorCommands } from '../support/redis.js';
import { PrivateRedisCluster } from '../support/redis-cluster.js';
import { eventually } from '../support/sse-reader.js';
import { assertDeliveredOnce, transportContract, twoInstancesShareChannels } from './hub-behaviour.js';
import { publishMany, range, startHubApp, type HubApp } from './hub-app.js';

// One cluster for the whole file (three masters, a replica each): starting one takes seconds.
const cluster = await PrivateRedisCluster.start();
after(() => cluster.stop());
const nodes = cluster.nodes;
const key = () => `streamnest:test:${randomUUID()}`;
const SHARDS = 6;
const onCluster = (options: ConstructorParameters<typeof RedisStreamsTransport>[0] = {}) =>
  new RedisStreamsTransport({ cluster: { nodes }, key: key(), shards: SHARDS, ...options });

/** The master serving a shard now: a shard's slot is that of its hash tag, whatever the key. */
const masterOf = async (shard: number) => (await cluster.ownerOf(`any:{${shard}}`)).master;

/** `count` channel names whose shards (of six) are served by `master`, or, with `not`, by any other master. */
async function channelsOn(master: number, count: number, not = false): Promise<string[]> {
  const masters = await Promise.all(range(0, SHARDS - 1).map((shard) => masterOf(Number(shard))));
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    const channel = `ch-${i}`;
    if ((masters[shardOf(channel, SHARDS)] === master) !== not) found.push(channel);
  }
  return found;
}

/** Connections named by the transport's readers, on every live node. */
async function readerConnections(): Promise<number> {
  let count = 0;
  for (const port of cluster.ports) {
    const admin = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      const list = String(await admin.call('CLIENT', 'LIST'));
      count += list.split('\n').filter((line) => / name=streamnest-reader /.test(line)).length;
    } catch {
      // A node killed by a test: it holds no connection.
    } finally {
      admin.disconnect();
    }
  }
  return count;
}

test('the test channels of six shards are served by three different masters', async () => {
  const masters = await Promise.all(['news', 'sport', 'weather'].map((channel) => masterOf(shardOf(channel, SHARDS))));
  assert.equal(new Set(masters).size, 3, `news, sport and weather on ${masters}`);
});

// The SseTransport contract on a cluster with one shard: a single stream (one slot), ids ordered across
// channels (`totalOrder`), read by one XREAD as on a single node.
transportContract('redis cluster, 1 shard', (options) => onCluster({ shards: 1, maxLen: options?.historySize ?? 10_000 }), {
  fanOutSubscribers: 300,
  totalOrder: true,
});
// And with six shards over the three masters, a reader per shard: ids ordered per channel only. Its hub
// tests are the ones this file ran on its own before; what is particular to a sharded cluster is below.
transportContract('redis cluster, 6 shards', (options) => onCluster({ maxLen: options?.historySize ?? 10_000 }), { fanOutSubscribers: 300 });

// Two instances on one key: one connects to the cluster itself, the other is given an ioredis Cluster.
const given: Cluster[] = [];
after(() => {
  for (const client of given) client.disconnect();
});
twoInstancesShareChannels('redis cluster, 6 shards: two instances, one given its own ioredis Cluster', () => {
  const shared = key();
  const client = new Cluster(nodes, { retryDelayOnFailover: 0 });
  given.push(client);
  return [new RedisStreamsTransport({ cluster: { nodes }, key: shared, shards: SHARDS }), new RedisStreamsTransport({ client, key: shared, shards: SHARDS })];
});

function dataOf(client: EventClient, prefix: string): string[] {
  return client.events.map((e) => e.data).filter((d) => d.startsWith(prefix));
}

test('redis cluster, 6 shards: a client on channels served by two masters resumes exactly, on another instance, after both were published to while it was away', async (t) => {
  const shared = key();
  const a = await startHubApp(new RedisStreamsTransport({ cluster: { nodes }, key: shared, shards: SHARDS }));
  t.after(a.close);
  const b = await startHubApp(new RedisStreamsTransport({ cluster: { nodes }, key: shared, shards: SHARDS }));
  t.after(b.close);
  const feed = '/feed?channels=news,sport';
  const first = await connectEvents(`${a.url}${feed}`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber on A');
  await Promise.all([publishMany(a.hub, 'news', 1, 20), publishMany(b.hub, 'sport', 1, 20)]);
  const seen = await first.waitForCount(40);
  const lastId = seen[39]!.id!;
  assert.match(lastId, /^[45]:\d+-\d+,[45]:\d+-\d+$/, 'the position in both shards');
  first.close();
  await eventually(() => a.hub.stats().subscribers === 0, 3000, 'gone from A');

  const publish = async (hub: HubApp['hub'], channel: string, values: string[]) => {
    for (const data of values) await hub.publish(channel, { data });
  };
  const news = (from: number, to: number) => range(from, to).map((n) => `n${n}`);
  const sport = (from: number, to: number) => range(from, to).map((n) => `s${n}`);
  await Promise.all([publish(a.hub, 'news', news(1, 60)), publish(b.hub, 'sport', sport(1, 60)), publish(a.hub, 'weather', range(1, 30))]);
  const back = await connectEvents(`${b.url}${feed}`, { 'last-event-id': lastId });
  await Promise.all([publish(a.hub, 'news', news(61, 90)), publish(b.hub, 'sport', sport(61, 90))]);
  await back.waitForCount(180);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(back.events.length, 180, 'nothing twice, nothing else');
  assert.equal(back.events[0]!.event, undefined, 'no reset');
  assert.deepEqual(dataOf(back, 'n'), news(1, 90));
  assert.deepEqual(dataOf(back, 's'), sport(1, 90));
  back.close();
});

test('redis cluster, 6 shards: each shard read has a reader of its own, started when a subscriber needs it and gone, connection and loop, when the last leaves', async (t) => {
  const prefix = key();
  const transport = new RedisStreamsTransport({ cluster: { nodes }, key: prefix, shards: SHARDS, blockMs: 200 });
  const a = await startHubApp(transport);
  t.after(a.close);
  await eventually(async () => (await readerConnections()) === 0, 5000, 'no reader connection left by earlier tests');
  assert.deepEqual(transport.stats().reading, []);

  // A MONITOR on the master of the sport shard sees its XREADs.
  const sportKey = `${prefix}:{${shardOf('sport', SHARDS)}}`;
  let sportReads = 0;
  const stopMonitor = await monitorCommands(`redis://127.0.0.1:${await masterOf(shardOf('sport', SHARDS))}`, (args) => {
    if (args[0]?.toLowerCase() === 'xread' && args.includes(sportKey)) sportReads++;
  });
  t.after(stopMonitor);

  const onNews = await connectEvents(`${a.url}/feed?channels=news`);
  await eventually(() => transport.stats().reading.length === 1, 3000, 'news shard read');
  const onBoth = await connectEvents(`${a.url}/feed?channels=news,sport`);
  await eventually(() => transport.stats().reading.length === 2, 3000, 'sport shard read');
  await a.hub.publish('sport', { data: 's1' });
  await a.hub.publish('news', { data: 'n1' });
  assert.deepEqual(
    (await onBoth.waitForCount(2)).map((e) => e.data),
    ['s1', 'n1'],
  );
  assert.ok((await readerConnections()) >= 2, 'a connection per shard read');
  await eventually(() => sportReads > 0, 3000, 'XREADs of the sport shard');

  onBoth.close();
  await eventually(() => transport.stats().reading.length === 1, 3000, 'sport shard dropped');
  await new Promise((r) => setTimeout(r, 300));
  const dropped = sportReads;
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(sportReads, dropped, 'no XREAD of the sport shard once nobody reads it (its loop ended)');
  await a.hub.publish('news', { data: 'n2' });
  assert.deepEqual(
    (await onNews.waitForCount(2)).map((e) => e.data),
    ['n1', 'n2'],
  );

  onNews.close();
  await eventually(() => transport.stats().reading.length === 0, 3000, 'no shard read');
  await eventually(async () => (await readerConnections()) === 0, 5000, 'every reader connection closed');
});

test('redis cluster, 6 shards: a subscriber on a new shard gets its events at once, though the other readers block in long XREADs', async (t) => {
  const transport = onCluster({ blockMs: 30_000 });
  const a = await startHubApp(transport);
  t.after(a.close);
  const onNews = await connectEvents(`${a.url}/feed?channels=news`);
  await eventually(() => transport.stats().reading.length === 1, 3000, 'news shard read');
  await new Promise((r) => setTimeout(r, 200));
  const onSport = await connectEvents(`${a.url}/feed?channels=sport`);
  assert.equal(transport.stats().reading.length, 2, 'the stream opened once the sport shard was read');
  await a.hub.publish('sport', { data: 's1' });
  assert.equal((await onSport.waitForCount(1, 2000))[0]!.data, 's1');
  onNews.close();
  onSport.close();
});

test('redis cluster, 6 shards: a client on news and sport gets ids with its position in both, though the sport master was slow to answer when it came', async (t) => {
  const transport = onCluster();
  const a = await startHubApp(transport);
  t.after(a.close);
  const onNews = await connectEvents(`${a.url}/feed?channels=news`);
  await eventually(() => transport.stats().reading.length === 1, 3000, 'news shard read');
  // The sport shard's master holds every command for a second (its cluster bus goes on: no failover).
  const admin = new Redis({ port: await masterOf(shardOf('sport', SHARDS)) });
  t.after(() => admin.disconnect());
  await admin.call('CLIENT', 'PAUSE', 1000, 'ALL');
  const opening = connectEvents(`${a.url}/feed?channels=news,sport`);
  await eventually(() => a.hub.stats().subscribers === 2, 3000, 'second subscriber');
  assert.deepEqual(transport.stats().starting, [shardOf('sport', SHARDS)], 'the sport shard is starting');
  // Read by the news shard's reader meanwhile: they wait for the sport shard's start.
  await publishMany(a.hub, 'news', 1, 3);
  const onBoth = await opening;
  await a.hub.publish('sport', { data: 's1' });
  const got = await onBoth.waitForCount(4);
  // Each shard has its own reader, and shards keep no order between them (documented): order per channel only.
  assert.deepEqual(
    got.map((e) => e.data).filter((d) => d !== 's1'),
    ['1', '2', '3'],
  );
  assert.equal(got.filter((e) => e.data === 's1').length, 1);
  for (const event of got) assert.match(event.id!, /^(4:\d+-\d+,5:\d+-\d+|5:\d+-\d+,4:\d+-\d+)$/, `${event.data}: ${event.id}`);
  assert.equal((await onNews.waitForCount(3)).length, 3);
  onNews.close();
  onBoth.close();
});

test('redis cluster: a publish while the cluster connection is down is refused at once, and never stored later', async (t) => {
  const client = new Cluster(nodes, { retryDelayOnFailover: 0 });
  t.after(() => client.disconnect());
  const shared = key();
  const a = await startHubApp(new RedisStreamsTransport({ client, key: shared, shards: SHARDS }));
  t.after(a.close);
  // The connection drops and comes back: ioredis would queue the XADD meanwhile, and run it later.
  client.disconnect(true);
  await assert.rejects(a.hub.publish('news', { data: 'while down' }), /SN_ERR_TRANSPORT_UNAVAILABLE.*nothing was stored/);
  await eventually(() => client.status === 'ready', 10_000, 'reconnected');
  await a.hub.publish('news', { data: 'after' });
  const stored = await client.xrange(`${shared}:{${shardOf('news', SHARDS)}}`, '-', '+');
  assert.deepEqual(
    stored.map(([, fields]) => fields[fields.indexOf('d') + 1]),
    ['after'],
  );
});

test('redis cluster: start-up fails with a clear error when no node answers; options are checked', async () => {
  await assert.rejects(
    startHubApp(new RedisStreamsTransport({ cluster: { nodes: [{ host: '127.0.0.1', port: 1 }] }, shards: SHARDS, connectTimeoutMs: 500 })),
    /SN_ERR_REDIS_UNREACHABLE/,
  );
  assert.throws(() => new RedisStreamsTransport({ cluster: { nodes: [] } }), /"cluster.nodes" must name at least one node/);
});

/** Publishes to each channel in turn, every 5 ms, noting what was acknowledged and what was not, until 90 are acknowledged after `fault()`. */
function publishSteadily(hub: HubApp['hub'], channels: string[]) {
  const acknowledged = new Map(channels.map((c) => [c, [] as string[]]));
  const unconfirmed: string[] = [];
  const refusals: Error[] = [];
  let faulted = false;
  let afterFault = 0;
  const publishing = channels.map(async (channel) => {
    for (let n = 1; (!faulted || afterFault < 90) && n < 3000; n++) {
      const data = `${channel}/${n}`;
      try {
        await hub.publish(channel, { data });
        acknowledged.get(channel)!.push(data);
        if (faulted) afterFault++;
      } catch (error) {
        refusals.push(error as Error);
        // May have been stored, and delivered: the error says so.
        if (/SN_ERR_PUBLISH_UNCONFIRMED|SN_ERR_PUBLISH_TIMEOUT/.test((error as Error).message)) unconfirmed.push(data);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  return {
    acknowledged,
    unconfirmed,
    refusals,
    fault: () => {
      faulted = true;
    },
    done: () => Promise.all(publishing),
  };
}

type Publishing = ReturnType<typeof publishSteadily>;

/** Every refusal says whether the event may have been stored. */
function assertRefusalsExplained(t: TestContext, run: Publishing, during: string): void {
  const counts = new Map<string, number>();
  for (const error of run.refusals) {
    const [, code, channel, cause] = /^(SN_ERR_\w+): publish to channel "([^"]*)".*?: (.*?)\. (It|Retry|Check)/.exec(error.message) ?? [];
    const what = `${code} ${channel} (${cause})`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  t.diagnostic(`${run.refusals.length} publishes refused ${during}: ${[...counts].map(([what, n]) => `${n} × ${what}`).join('; ')}`);
  for (const error of run.refusals) assert.match(error.message, /SN_ERR_TRANSPORT_UNAVAILABLE|SN_ERR_PUBLISH_UNCONFIRMED|SN_ERR_PUBLISH_TIMEOUT/);
}

/** Waits until the client has every one of `expected`, saying which never came if some do not. */
async function waitForAll(t: TestContext, client: EventClient, expected: string[]): Promise<void> {
  const missing = () => {
    const got = new Set(client.events.map((e) => e.data));
    return expected.filter((d) => !got.has(d));
  };
  await eventually(() => missing().length === 0, 20_000, 'every acknowledged event').catch((error) => {
    t.diagnostic(`missing ${JSON.stringify(missing())}`);
    throw error;
  });
  // Time for any duplicate to show.
  await new Promise((r) => setTimeout(r, 300));
}

/** Back after missing 20 events a channel, on instance `on`: exactly those, in order per channel. */
async function assertResumesExactly(on: HubApp, publisher: HubApp, channels: string[], lastId: string): Promise<void> {
  for (const channel of channels) for (const n of range(5001, 5020)) await publisher.hub.publish(channel, { data: `${channel}/${n}` });
  const back = await connectEvents(`${on.url}/feed?channels=${channels.join(',')}`, { 'last-event-id': lastId });
  await back.waitForCount(60);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(back.events[0]!.event, undefined, 'no reset');
  for (const channel of channels) {
    assert.deepEqual(
      back.events.filter((e) => e.data.startsWith(`${channel}/`)).map((e) => e.data),
      range(5001, 5020).map((n) => `${channel}/${n}`),
      `${channel}: exactly what it missed`,
    );
  }
  assert.equal(back.events.length, 60);
  back.close();
}

async function twoApps(t: TestContext): Promise<[HubApp, HubApp, string]> {
  const shared = key();
  const a = await startHubApp(new RedisStreamsTransport({ cluster: { nodes }, key: shared, shards: SHARDS, blockMs: 500 }));
  t.after(a.close);
  const b = await startHubApp(new RedisStreamsTransport({ cluster: { nodes }, key: shared, shards: SHARDS, blockMs: 500 }));
  t.after(b.close);
  return [a, b, shared];
}

test('redis cluster, 6 shards: a master fails over (CLUSTER FAILOVER) while its shards are published to; every acknowledged event arrives once, in order, and a client resumes exactly on another instance', async (t) => {
  const [a, b] = await twoApps(t);
  const master = await masterOf(shardOf('sport', SHARDS));
  // Two channels on the master that fails over, one on another that does not.
  const channels = [...(await channelsOn(master, 2)), ...(await channelsOn(master, 1, true))];
  const client = await connectEvents(`${b.url}/feed?channels=${channels.join(',')}`);
  await eventually(() => b.hub.stats().subscribers === 1, 3000, 'subscriber on B');

  const run = publishSteadily(a.hub, channels);
  await eventually(() => run.acknowledged.get(channels[0]!)!.length >= 30, 10_000, 'some events before the failover');
  const successor = await cluster.failover(master);
  run.fault();
  assert.equal(await masterOf(shardOf(channels[0]!, SHARDS)), successor, 'the replica serves the shards now');
  await run.done();

  assertRefusalsExplained(t, run, 'during the failover');
  await waitForAll(t, client, [...run.acknowledged.values()].flat());
  for (const channel of channels) assertDeliveredOnce(dataOf(client, `${channel}/`), run.acknowledged.get(channel)!, run.unconfirmed);

  // Away for a while, then back with its Last-Event-ID, on the other instance.
  const lastId = client.events.at(-1)!.id!;
  client.close();
  await eventually(() => b.hub.stats().subscribers === 0, 3000, 'gone from B');
  await assertResumesExactly(a, a, channels, lastId);
});

// Last: it leaves the cluster a node short until that node is back, as a replica.
test('redis cluster, 6 shards: a master is killed (SIGKILL) while its shards are published to; its replica takes over, readers resume, and every acknowledged event the cluster kept arrives once, in order', async (t) => {
  const [a, b, shared] = await twoApps(t);
  const master = await masterOf(shardOf('news', SHARDS));
  const channels = [...(await channelsOn(master, 2)), ...(await channelsOn(master, 1, true))];
  const client = await connectEvents(`${b.url}/feed?channels=${channels.join(',')}`);
  await eventually(() => b.hub.stats().subscribers === 1, 3000, 'subscriber on B');

  const run = publishSteadily(a.hub, channels);
  await eventually(() => run.acknowledged.get(channels[0]!)!.length >= 30, 10_000, 'some events before the kill');
  await cluster.kill(master);
  // Until then, the slots are served by nobody (a failed master).
  const serving = () => masterOf(shardOf(channels[0]!, SHARDS)).catch(() => master);
  await eventually(async () => (await serving()) !== master, 30_000, 'the replica takes over');
  run.fault();
  await run.done();
  assertRefusalsExplained(t, run, 'while the master was down');
  assert.ok(run.refusals.length > 0, 'publishes to the dead master were refused, not queued');

  // Redis replicates asynchronously: a master killed may take with it a write it acknowledged but had not
  // sent its replica yet. That is Redis's to lose; the transport must deliver everything the cluster kept.
  const kept = new Set<string>();
  const reader = new Cluster(nodes);
  t.after(() => reader.disconnect());
  for (const shard of new Set(channels.map((c) => shardOf(c, SHARDS)))) {
    for (const [, fields] of await reader.xrange(`${shared}:{${shard}}`, '-', '+')) kept.add(fields[fields.indexOf('d') + 1]!);
  }
  const acknowledged = [...run.acknowledged.values()].flat();
  t.diagnostic(`acknowledged events the crash lost: ${JSON.stringify(acknowledged.filter((d) => !kept.has(d)))}`);
  await waitForAll(
    t,
    client,
    acknowledged.filter((d) => kept.has(d)),
  );
  for (const channel of channels) {
    const keptOf = run.acknowledged.get(channel)!.filter((d) => kept.has(d));
    const got = dataOf(client, `${channel}/`);
    assert.deepEqual(
      got.filter((d) => keptOf.includes(d)),
      keptOf,
      `${channel}: every acknowledged event kept, in order, once each`,
    );
    assert.equal(new Set(got).size, got.length, 'no event twice');
    assert.deepEqual(
      got.filter((d) => !run.acknowledged.get(channel)!.includes(d) && !run.unconfirmed.includes(d)),
      [],
      'nothing said unstored arrives',
    );
  }
  const lastId = client.events.at(-1)!.id!;
  client.close();
  await eventually(() => b.hub.stats().subscribers === 0, 3000, 'gone from B');
  if (kept.has(client.events.at(-1)!.data)) await assertResumesExactly(a, a, channels, lastId);
  else t.diagnostic("the client's last event was lost with the master: its resume would get reset");
  await cluster.restart(master);
});
