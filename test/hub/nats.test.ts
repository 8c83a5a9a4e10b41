import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsJetStreamTransport, type NatsJetStreamTransportOptions } from 'streamnest/nats';
import { connectEvents } from '../support/event-client.js';
import { PrivateNats, natsUrl } from '../support/nats.js';
import { freePort } from '../support/redis.js';
import { eventually } from '../support/sse-reader.js';
import { assertDeliveredOnce, transportContract, twoInstancesShareChannels } from './hub-behaviour.js';
import { publishMany, startHubApp } from './hub-app.js';

const url = await natsUrl();
/** Streams these tests made on the shared server, deleted when the file ends. */
const made = new Set<string>();

function fresh(options: NatsJetStreamTransportOptions = {}): NatsJetStreamTransportOptions {
  const name = `sn_test_${randomBytes(6).toString('hex')}`;
  made.add(name);
  return { servers: url, stream: name, subjectPrefix: `streamnest.test.${name}.`, ...options };
}

after(async () => {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  for (const name of made) await jsm.streams.delete(name).catch(() => undefined);
  await nc.close();
});

// The SseTransport contract every transport passes (test/hub/hub-behaviour.ts).
// One stream, whose sequence orders ids across channels: `totalOrder`.
transportContract('nats', (options) => new NatsJetStreamTransport(fresh({ maxMessages: options?.historySize ?? 10_000 })), { totalOrder: true });

twoInstancesShareChannels('nats hub: two instances on one stream', () => {
  const shared = fresh();
  return [new NatsJetStreamTransport(shared), new NatsJetStreamTransport(shared)];
});

test('nats hub: the NATS server is killed and restarted while events are published; nothing acknowledged is lost or duplicated, clients resume', async (t) => {
  const nats = await PrivateNats.start();
  const a = await startHubApp(new NatsJetStreamTransport({ servers: nats.url, commandTimeoutMs: 1_000 })).catch(async (error) => {
    await nats.destroy();
    throw error;
  });
  // The app first, while its server still answers; then the server.
  t.after(async () => {
    await a.close();
    await nats.destroy();
  });
  const client = await connectEvents(`${a.url}/feed`);
  await eventually(() => a.hub.stats().subscribers === 1, 3000, 'subscriber');

  const acknowledged: string[] = [];
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
        if (/SN_ERR_PUBLISH_UNCONFIRMED/.test((error as Error).message)) unconfirmed.push(data);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await eventually(() => acknowledged.length >= 50, 10_000, 'some events before the restart');
  await nats.stop();
  await eventually(() => refusals.some((e) => /SN_ERR_TRANSPORT_UNAVAILABLE/.test(e.message)), 10_000, 'publishes refused while NATS is down');
  await nats.restart();
  await publishing;

  assert.ok(
    refusals.every((e) => /SN_ERR_TRANSPORT_UNAVAILABLE.*nothing was stored/.test(e.message) || /SN_ERR_PUBLISH_UNCONFIRMED/.test(e.message)),
    refusals[0]?.message,
  );
  assert.ok(acknowledged.includes('300') || acknowledged.length > 100, 'publishing goes on after the restart');
  await client.waitForCount(acknowledged.length, 20_000);
  await new Promise((r) => setTimeout(r, 300));
  const delivered = client.events.map((e) => e.data);
  assertDeliveredOnce(delivered, acknowledged, unconfirmed);

  // A client that left before the restart resumes from its id: the stream kept everything.
  const early = client.events[9]!;
  const back = await connectEvents(`${a.url}/feed`, { 'last-event-id': early.id! });
  const replayed = await back.waitForCount(delivered.length - 10, 20_000);
  assert.deepEqual(
    replayed.map((e) => e.data),
    delivered.slice(10),
    'resumed across the restart, exactly',
  );
  back.close();
  client.close();
});

test('nats hub: a stream limited by age gives reset to a client older than it (by count: the contract suite)', async (t) => {
  const a = await startHubApp(new NatsJetStreamTransport(fresh({ maxAgeMs: 300 })));
  t.after(a.close);
  const [first] = await publishMany(a.hub, 'news', 1, 2);
  await eventually(
    async () => {
      const client = await connectEvents(`${a.url}/feed`, { 'last-event-id': first! });
      await a.hub.publish('news', { data: 'later' });
      const [event] = await client.waitForCount(1);
      client.close();
      return event!.event === 'reset';
    },
    10_000,
    'reset once the events aged out',
  );
  assert.ok(a.hub.stats().resets >= 1);
});

test('nats transport: a recreated stream starts its sequences again; ids of the old one get reset, not wrong events', async (t) => {
  const options = fresh();
  const a = await startHubApp(new NatsJetStreamTransport(options));
  t.after(a.close);
  const [oldId] = await publishMany(a.hub, 'news', 1, 3);
  await a.close();
  const nc = await connect({ servers: url });
  t.after(() => nc.close());
  await (await jetstreamManager(nc)).streams.delete(options.stream!);
  const b = await startHubApp(new NatsJetStreamTransport(options));
  t.after(b.close);
  const [newId] = await publishMany(b.hub, 'news', 1, 5);
  assert.notEqual(newId, oldId, 'same sequence, another incarnation');
  const client = await connectEvents(`${b.url}/feed`, { 'last-event-id': oldId! });
  assert.equal((await client.waitForCount(1))[0]!.event, 'reset');
  client.close();
});

test('nats hub: start-up fails with a clear error when NATS cannot be reached', async () => {
  const port = await freePort();
  await assert.rejects(startHubApp(new NatsJetStreamTransport({ servers: `nats://127.0.0.1:${port}`, connectTimeoutMs: 500 })), /SN_ERR_NATS_UNREACHABLE/);
});

test('nats transport: a stream that exists without our subjects is refused with a clear error', async (t) => {
  const nc = await connect({ servers: url });
  t.after(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const name = `sn_test_${randomBytes(6).toString('hex')}`;
  made.add(name);
  await jsm.streams.add({ name, subjects: [`other.${name}.>`] });
  await assert.rejects(
    startHubApp(new NatsJetStreamTransport({ servers: url, stream: name })),
    /SN_ERR_NATS_STREAM.*without the subjects "streamnest\.events\.>"/,
  );
});

test('nats transport: publish before start is refused; options are checked', async () => {
  const transport = new NatsJetStreamTransport(fresh());
  await assert.rejects(transport.append('news', { data: 'x' }), /SN_ERR_TRANSPORT_NOT_STARTED/);
  assert.throws(() => new NatsJetStreamTransport({ stream: 'a.b' }), /SN_ERR_INVALID_HUB_OPTION.*"stream"/);
  assert.throws(() => new NatsJetStreamTransport({ subjectPrefix: 'no.dot' }), /"subjectPrefix"/);
  assert.throws(() => new NatsJetStreamTransport({ subjectPrefix: 'a.*.' }), /"subjectPrefix"/);
  assert.throws(() => new NatsJetStreamTransport({ maxMessages: 0 }), /"maxMessages" must be a positive integer/);
  assert.throws(() => new NatsJetStreamTransport({ maxAgeMs: 1.5 }), /"maxAgeMs"/);
});
