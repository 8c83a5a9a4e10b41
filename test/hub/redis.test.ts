import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { RedisStreamsTransport } from 'streamnest/redis';
import { connectEvents } from '../support/event-client.js';
import { PrivateRedis, redisUrl, freePort } from '../support/redis.js';
import { eventually } from '../support/sse-reader.js';
import { assertDeliveredOnce, transportContract, twoInstancesShareChannels } from './hub-behaviour.js';
import { publishMany, startHubApp } from './hub-app.js';

const url = await redisUrl();
const key = () => `streamnest:test:${randomUUID()}`;
// The SseTransport contract every transport passes (test/hub/hub-behaviour.ts).
// One shard (the default): one stream, whose ids are ordered across channels.
transportContract('redis', (options) => new RedisStreamsTransport({ url, key: key(), maxLen: options?.historySize ?? 10_000 }), { totalOrder: true });
// Four shards: ids ordered per channel only, composite resume ids (see redis-shards.test.ts for what is particular to shards).
transportContract('redis, 4 shards', (options) => new RedisStreamsTransport({ url, key: key(), shards: 4, maxLen: options?.historySize ?? 10_000 }));

// Two instances on one key: publish on A, hear on B, resume on A (test/hub/hub-behaviour.ts).
twoInstancesShareChannels('redis hub: two instances', () => {
  const shared = key();
  return [new RedisStreamsTransport({ url, key: shared }), new RedisStreamsTransport({ url, key: shared })];
});

test('redis hub: Redis restarts while events are published; nothing acknowledged is lost or duplicated, nothing said unstored arrives', async (t) => {
  const redis = await PrivateRedis.start({ durable: true });
  t.after(() => redis.stop());
  const a = await startHubApp(new RedisStreamsTransport({ url: redis.url, key: key(), blockMs: 200 }));
  t.after(a.close);
  const client = await connectEvents(`${a.url}/feed`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber');

  const acknowledged: string[] = [];
  const notStored: string[] = [];
  const unconfirmed: string[] = [];
  const refusals: Error[] = [];
  let n = 0;
  const publishing = (async () => {
    while (n < 300) {
      const data = String(++n);
      try {
        await a.hub.publish('news', { data });
        acknowledged.push(data);
      } catch (error) {
        refusals.push(error as Error);
        // In flight when Redis went away: it may have been stored (and delivered), and the error says so.
        if (/SN_ERR_PUBLISH_UNCONFIRMED/.test((error as Error).message)) unconfirmed.push(data);
        else notStored.push(data);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await eventually(() => acknowledged.length >= 50, 10_000, 'some events before the restart');
  await redis.stop();
  await eventually(() => refusals.length >= 3, 10_000, 'publishes refused while Redis is down');
  await redis.restart();
  await publishing;

  assert.ok(notStored.length >= 3, 'refused at once while Redis is down');
  assert.ok(
    refusals.every(
      (e) => (/SN_ERR_TRANSPORT_UNAVAILABLE/.test(e.message) && /nothing was stored/.test(e.message)) || /SN_ERR_PUBLISH_UNCONFIRMED/.test(e.message),
    ),
    refusals[0]?.message,
  );
  await client.waitForCount(acknowledged.length, 20_000);
  await new Promise((r) => setTimeout(r, 300));
  const delivered = client.events.map((e) => e.data);
  assertDeliveredOnce(delivered, acknowledged, unconfirmed);
  assert.deepEqual(
    delivered.map(Number),
    [...delivered.map(Number)].sort((x, y) => x - y),
    'in publish order',
  );
  client.close();
});

test('redis hub: start-up fails with a clear error when Redis cannot be reached', async () => {
  const port = await freePort();
  await assert.rejects(startHubApp(new RedisStreamsTransport({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500 })), /SN_ERR_REDIS_UNREACHABLE/);
});

test('redis transport options are checked', () => {
  assert.throws(() => new RedisStreamsTransport({ url, maxLen: 0 }), /"maxLen" must be a positive integer/);
  assert.throws(() => new RedisStreamsTransport({ url, blockMs: -1 }), /"blockMs"/);
});

test('redis hub: a reconnect while Redis is down gets reset, then live events once Redis is back', async (t) => {
  const redis = await PrivateRedis.start();
  t.after(() => redis.stop());
  const a = await startHubApp(new RedisStreamsTransport({ url: redis.url, key: key(), blockMs: 200 }));
  t.after(a.close);
  const [firstId] = await publishMany(a.hub, 'news', 1, 1);
  await redis.stop();
  const client = await connectEvents(`${a.url}/feed`, { 'last-event-id': firstId! });
  const [reset] = await client.waitForCount(1);
  assert.equal(reset!.event, 'reset', 'replay failed, so the client is told to refetch');
  await redis.restart();
  await eventually(
    async () => {
      try {
        await a.hub.publish('news', { data: 'back' });
        return true;
      } catch {
        return false;
      }
    },
    10_000,
    'publish after the restart',
  );
  const events = await client.waitForCount(2);
  assert.equal(events[1]!.data, 'back');
  client.close();
});
