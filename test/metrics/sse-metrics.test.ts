// streamnest/metrics: each metric's value after a known scenario, scraped over
// HTTP from the app's /metrics as Prometheus would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Controller, Get, getSSEStream, Injectable, LastEventId, Module, Sse, SseHub, SseModule, type SSEStream } from 'streamnest';
import { SseMetrics, SseMetricsModule, channelLabels } from 'streamnest/metrics';
import { RedisStreamsTransport } from 'streamnest/redis';
import { openSse, type RawSse } from '../support/sse-reader.js';
import { startApp } from '../support/app.js';
import { call, eventually } from '../core/support.js';
import { redisUrl } from '../support/redis.js';

/** Prometheus' text format as `name{a="x",b="y"}` → value, labels in the order given. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await call(`${url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const values = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

function metric(values: Map<string, number>, key: string): number {
  const value = values.get(key);
  assert.notEqual(value, undefined, `no ${key} in:\n${[...values.keys()].join('\n')}`);
  return value!;
}

/** Events (blocks ending in a blank line) that are not comments. */
const eventsIn = (text: string) => text.split('\n\n').filter((block) => block !== '' && !block.startsWith(':')).length;
const heartbeatsIn = (text: string) => text.split('\n\n').filter((block) => block.startsWith(':')).length;

@Injectable()
class Quiet {
  stream: SSEStream | undefined;
}

@Controller()
class MeteredController {
  constructor(
    private readonly hub: SseHub,
    private readonly quiet: Quiet,
  ) {}

  @Get('rooms/:room')
  @Sse({ heartbeat: false })
  room(@LastEventId() lastEventId?: string) {
    return this.hub.subscribe('a', { lastEventId });
  }

  @Get('only/:channel')
  @Sse({ heartbeat: false })
  only(@LastEventId() lastEventId?: string) {
    return this.hub.subscribe('b', { lastEventId });
  }

  @Get('quiet')
  @Sse({ heartbeat: 30 })
  quietStream() {
    this.quiet.stream = getSSEStream();
    return this.quiet.stream.body;
  }

  @Get('slow')
  @Sse({ heartbeat: false, highWaterMark: 16 * 1024, maxBufferedBytes: 64 * 1024 })
  slow() {
    return this.hub.subscribe('big');
  }
}

@Module({
  imports: [SseModule.forRoot({ replay: { maxEvents: 2 } }), SseMetricsModule.forRoot()],
  controllers: [MeteredController],
  providers: [Quiet],
})
class MeteredModule {}

test('stream, event, byte, hub, replay and reset metrics match a known scenario', async (t) => {
  const { app, url, close } = await startApp({ imports: [MeteredModule] });
  t.after(close);
  const hub = app.get(SseHub);

  // Three subscribers: two on channel a (route /rooms/:room), one on b (route /only/:channel).
  const clients: RawSse[] = [await openSse(`${url}/rooms/1`), await openSse(`${url}/rooms/2`), await openSse(`${url}/only/x`)];
  t.after(() => {
    for (const c of clients) c.close();
  });
  await eventually(() => hub.stats().subscribers === 3, 'three subscribers');
  const ids: string[] = [];
  for (let i = 1; i <= 5; i++) ids.push(await hub.publish('a', { data: `a${i}` }));
  for (let i = 1; i <= 2; i++) await hub.publish('b', { event: 'note', data: `b${i}` });
  await clients[0]!.waitFor((text) => eventsIn(text) === 5);
  await clients[1]!.waitFor((text) => eventsIn(text) === 5);
  await clients[2]!.waitFor((text) => eventsIn(text) === 2);

  let m = await scrape(url);
  assert.equal(metric(m, 'streamnest_sse_streams_open{route="/rooms/:room"}'), 2);
  assert.equal(metric(m, 'streamnest_sse_streams_open{route="/only/:channel"}'), 1);
  assert.equal(metric(m, 'streamnest_sse_streams_opened_total{route="/rooms/:room"}'), 2);
  assert.equal(metric(m, 'streamnest_sse_events_written_total{route="/rooms/:room"}'), 10);
  assert.equal(metric(m, 'streamnest_sse_events_written_total{route="/only/:channel"}'), 2);
  const roomBytes = Buffer.byteLength(clients[0]!.text()) + Buffer.byteLength(clients[1]!.text());
  assert.equal(metric(m, 'streamnest_sse_bytes_written_total{route="/rooms/:room"}'), roomBytes, 'bytes written are the bytes the clients read');
  assert.equal(metric(m, 'streamnest_sse_bytes_written_total{route="/only/:channel"}'), Buffer.byteLength(clients[2]!.text()));
  assert.equal(metric(m, 'streamnest_hub_subscribers{channel="a"}'), 2);
  assert.equal(metric(m, 'streamnest_hub_subscribers{channel="b"}'), 1);
  assert.equal(metric(m, 'streamnest_hub_subscriptions'), 3);
  assert.equal(metric(m, 'streamnest_hub_published_total'), 7);
  assert.equal(metric(m, 'streamnest_hub_delivered_total'), 12);
  // One measurement per event and channel, not per subscriber.
  assert.equal(metric(m, 'streamnest_hub_publish_to_write_seconds_count'), 7);
  assert.ok(metric(m, 'streamnest_hub_publish_to_write_seconds_sum') > 0);
  assert.equal(metric(m, 'streamnest_hub_publish_to_write_seconds_bucket{le="+Inf"}'), 7);
  assert.equal(metric(m, 'streamnest_hub_replays_total'), 0);

  // One client leaves: its stream closes with reason "client".
  clients[1]!.close();
  await eventually(() => hub.stats().subscribers === 2, 'the client to leave');
  m = await scrape(url);
  assert.equal(metric(m, 'streamnest_sse_streams_open{route="/rooms/:room"}'), 1);
  assert.equal(metric(m, 'streamnest_sse_streams_closed_total{route="/rooms/:room",reason="client"}'), 1);
  assert.equal(metric(m, 'streamnest_sse_streams_closed_total{route="/rooms/:room",reason="slow"}'), 0);

  // Resuming: after a4 (one missed: a replay), after a1 (four missed: past maxEvents 2, a reset), after an unknown id (a reset).
  const replayed = await openSse(`${url}/rooms/3`, { 'last-event-id': ids[3]! });
  const overLimit = await openSse(`${url}/rooms/4`, { 'last-event-id': ids[0]! });
  const unknown = await openSse(`${url}/rooms/5`, { 'last-event-id': 'not-an-id' });
  t.after(() => {
    for (const c of [replayed, overLimit, unknown]) c.close();
  });
  await replayed.waitFor((text) => text.includes('data: a5'));
  await overLimit.waitFor((text) => text.includes('event: reset'));
  await unknown.waitFor((text) => text.includes('event: reset'));
  m = await scrape(url);
  assert.equal(metric(m, 'streamnest_hub_replays_total'), 1);
  assert.equal(metric(m, 'streamnest_hub_resets_total{reason="replay-limit"}'), 1);
  assert.equal(metric(m, 'streamnest_hub_resets_total{reason="history-unavailable"}'), 1);
  assert.equal(metric(m, 'streamnest_hub_replays_refused_total'), 0);
  assert.equal(metric(m, 'streamnest_hub_transport_errors_total{operation="publish"}'), 0);
  assert.equal(metric(m, 'streamnest_hub_transport_errors_total{operation="read"}'), 0);
});

test('heartbeats: the count written is the count an idle client read', async (t) => {
  const { app, url, close } = await startApp({ imports: [MeteredModule] });
  t.after(close);
  const client = await openSse(`${url}/quiet`);
  t.after(() => client.close());
  await client.waitFor((text) => heartbeatsIn(text) >= 3);
  // The server ends the stream: whatever it wrote reaches the client before the end.
  app.get(Quiet).stream!.end();
  await client.ended;
  const m = await scrape(url);
  assert.equal(metric(m, 'streamnest_sse_heartbeats_total{route="/quiet"}'), heartbeatsIn(client.text()));
  assert.equal(metric(m, 'streamnest_sse_events_written_total{route="/quiet"}'), 0);
  assert.equal(metric(m, 'streamnest_sse_bytes_written_total{route="/quiet"}'), Buffer.byteLength(client.text()));
  assert.equal(metric(m, 'streamnest_sse_streams_closed_total{route="/quiet",reason="end"}'), 1);
});

test('a client that never reads is dropped: clients_dropped_total{reason="slow"} and streams_closed_total{reason="slow"} count it', async (t) => {
  const { app, url, close } = await startApp({ imports: [MeteredModule] });
  t.after(close);
  const hub = app.get(SseHub);
  const socket = net.connect({ port: Number(new URL(url).port), host: '127.0.0.1' });
  socket.on('error', () => undefined);
  t.after(() => socket.destroy());
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  socket.pause();
  await eventually(() => hub.stats().subscribers === 1, 'the stalled client to subscribe');
  const data = 'x'.repeat(32 * 1024);
  for (let i = 0; i < 2000 && hub.stats().subscribers > 0; i++) {
    await hub.publish('big', { data });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await eventually(() => hub.stats().subscribers === 0, 'the stalled client to be dropped');
  const m = await scrape(url);
  assert.equal(metric(m, 'streamnest_sse_clients_dropped_total{reason="slow"}'), 1);
  assert.equal(metric(m, 'streamnest_sse_streams_closed_total{route="/slow",reason="slow"}'), 1);
  assert.equal(metric(m, 'streamnest_sse_streams_open{route="/slow"}'), 0);
  assert.equal(metric(m, 'streamnest_sse_buffered_bytes'), 0);
});

test('hub_subscribers keeps at most maxChannelLabels channels, the rest summed under channel="(other)"', async (t) => {
  @Controller()
  class ChannelsController {
    constructor(private readonly hub: SseHub) {}
    @Get('ch/:name') @Sse({ heartbeat: false }) channel() {
      return this.hub.subscribe(`c${this.counter++ % 5}`);
    }
    private counter = 0;
  }
  @Module({ imports: [SseModule.forRoot(), SseMetricsModule.forRoot({ maxChannelLabels: 2, prefix: 'app_' })], controllers: [ChannelsController] })
  class ChannelsModule {}
  const { app, url, close } = await startApp({ imports: [ChannelsModule] });
  t.after(close);
  // c0: 3, c1: 3, c2: 2, c3: 2, c4: 2 subscribers.
  const clients = await Promise.all(Array.from({ length: 12 }, () => openSse(`${url}/ch/x`)));
  t.after(() => {
    for (const c of clients) c.close();
  });
  await eventually(() => app.get(SseHub).stats().subscribers === 12, 'twelve subscribers');
  const m = await scrape(url);
  const series = [...m.keys()].filter((key) => key.startsWith('app_hub_subscribers{'));
  assert.deepEqual(series.sort(), ['app_hub_subscribers{channel="(other)"}', 'app_hub_subscribers{channel="c0"}', 'app_hub_subscribers{channel="c1"}']);
  assert.equal(metric(m, 'app_hub_subscribers{channel="c0"}'), 3);
  assert.equal(metric(m, 'app_hub_subscribers{channel="(other)"}'), 6);
  assert.ok(![...m.keys()].some((key) => key.startsWith('streamnest_')), 'the prefix is applied to every metric');
  // The same choice as a function, for apps that label channels themselves.
  assert.deepEqual(channelLabels({ x: 1, y: 5, z: 3 }, 1), [
    ['y', 5],
    ['(other)', 4],
  ]);
});

test('transport errors: a publish Redis refuses, and a delivery read that fails, are counted by operation', async (t) => {
  const key = `streamnest:test:metrics:${randomUUID()}`;
  const redisAt = await redisUrl();
  const redis = new Redis(redisAt);
  t.after(async () => {
    await redis.del(key);
    redis.disconnect();
  });
  @Controller()
  class RoomController {
    constructor(private readonly hub: SseHub) {}
    @Get('r') @Sse({ heartbeat: false }) room() {
      return this.hub.subscribe('r');
    }
  }
  @Module({
    imports: [SseModule.forRoot({ transport: new RedisStreamsTransport({ url: redisAt, key, blockMs: 50 }) }), SseMetricsModule.forRoot()],
    controllers: [RoomController],
  })
  class RedisMetricsModule {}
  const { app, url, close } = await startApp({ imports: [RedisMetricsModule] });
  t.after(close);
  const hub = app.get(SseHub);
  await hub.publish('r', { data: 'fine' });

  // The stream's key becomes a string: XADD and XREAD both fail with WRONGTYPE.
  await redis.del(key);
  await redis.set(key, 'not a stream');
  await assert.rejects(hub.publish('r', { data: 'refused' }));
  await eventually(async () => metric(await scrape(url), 'streamnest_hub_transport_errors_total{operation="read"}') >= 1, 'a failed read to be counted');
  await redis.del(key);
  const m = await scrape(url);
  assert.equal(metric(m, 'streamnest_hub_transport_errors_total{operation="publish"}'), 1);
  assert.equal(metric(m, 'streamnest_hub_published_total'), 1);
  // Reading recovers once the key is a stream again.
  const client = await openSse(`${url}/r`);
  t.after(() => client.close());
  await eventually(() => hub.stats().subscribers === 1, 'a subscriber');
  await hub.publish('r', { data: 'after' });
  await client.waitFor((text) => text.includes('data: after'), 5000);
});

test('SseMetrics serves the registry itself with path: false, and refuses options that would make bad metric names', async (t) => {
  @Module({ imports: [SseMetricsModule.forRoot({ path: false })] })
  class NoRouteModule {}
  const { app, url, close } = await startApp({ imports: [NoRouteModule] });
  t.after(close);
  assert.equal((await call(`${url}/metrics`)).status, 404);
  const text = await app.get(SseMetrics).metrics();
  assert.match(text, /^# HELP streamnest_sse_streams_open /m);
  assert.doesNotMatch(text, /streamnest_hub_/, 'no hub, no hub metrics');
  assert.throws(() => SseMetricsModule.forRoot({ prefix: 'bad-prefix' }), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => SseMetricsModule.forRoot({ maxChannelLabels: -1 }), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => SseMetricsModule.forRoot({ latencyBuckets: [1, 0.5] }), { code: 'SN_ERR_INVALID_ARGUMENT' });
});
