// A hung or dead Redis must not hang publishers: publish rejects within its
// timeout with a code, and over HTTP the answer is 503 with Retry-After, so a
// client knows to come back instead of seeing a bare 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { Body, Controller, Post, SseHub, SseModule } from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { startApp } from '../support/app.js';
import { PrivateRedis } from '../support/redis.js';

@Controller()
class PublishController {
  constructor(private readonly hub: SseHub) {}
  @Post('publish') async publish(@Body() body: { text: string }) {
    return { id: await this.hub.publish('news', { data: body.text }) };
  }
}

async function setup(t: { after(fn: () => unknown): void }, publishTimeout: number) {
  const redis = await PrivateRedis.start();
  t.after(() => {
    redis.resume();
    return redis.stop();
  });
  const transport = new RedisStreamsTransport({ url: redis.url, key: `streamnest:test:${randomUUID()}`, commandTimeoutMs: 60_000 });
  const app = await startApp({ imports: [SseModule.forRoot({ transport, publishTimeout })], controllers: [PublishController] });
  t.after(app.close);
  return { redis, app, hub: app.app.get(SseHub) };
}

const post = (url: string, text: string) =>
  fetch(`${url}/publish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

test('a hung Redis (SIGSTOP): publish rejects within publishTimeout with SN_ERR_PUBLISH_TIMEOUT; HTTP gets 503 + Retry-After', async (t) => {
  const { redis, app, hub } = await setup(t, 400);
  assert.equal((await post(app.url, 'before')).status, 201);
  redis.pause();
  const started = Date.now();
  await assert.rejects(hub.publish('news', { data: 'during' }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'SN_ERR_PUBLISH_TIMEOUT');
    return true;
  });
  const waited = Date.now() - started;
  assert.ok(waited >= 350 && waited < 2000, `rejected after ${waited} ms`);
  const res = await post(app.url, 'during');
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '2');
  assert.deepEqual(await res.json(), { statusCode: 503, message: 'The event backend is unavailable; retry shortly.' });
  redis.resume();
  // Once Redis answers again, so does publish.
  let status = 0;
  for (let i = 0; i < 50 && status !== 201; i++) {
    status = (await post(app.url, 'after')).status;
    if (status !== 201) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 201);
});

test('a dead Redis: publish fails at once with SN_ERR_TRANSPORT_UNAVAILABLE; HTTP gets 503 + Retry-After, not 500', async (t) => {
  const { redis, app } = await setup(t, 5_000);
  await redis.stop();
  const started = Date.now();
  const res = await post(app.url, 'nobody home');
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '2');
  assert.ok(Date.now() - started < 2_000, 'without waiting for the timeout');
});

test('the Redis transport has its own command timeout, so a replay read cannot hang either', async (t) => {
  const redis = await PrivateRedis.start();
  t.after(() => {
    redis.resume();
    return redis.stop();
  });
  const transport = new RedisStreamsTransport({ url: redis.url, key: `streamnest:test:${randomUUID()}`, commandTimeoutMs: 300 });
  await transport.start(() => undefined);
  t.after(() => transport.close());
  const id = await transport.append('news', { data: 'x' });
  redis.pause();
  const started = Date.now();
  await assert.rejects(transport.replay(['news'], id, 10), /timed out/i);
  assert.ok(Date.now() - started < 2_000);
  redis.resume();
});

test('Redis dies with an XADD in flight: publish says SN_ERR_PUBLISH_UNCONFIRMED (it may have been stored), not "nothing was stored"; HTTP gets 503', async (t) => {
  const { redis, hub, app } = await setup(t, 10_000);
  assert.equal((await post(app.url, 'before')).status, 201);
  redis.pause();
  // Sent while Redis is hung: the command is written, and waits for an answer that will never come.
  const inFlight = hub.publish('news', { data: 'in flight' });
  // It fails as soon as the connection drops, which may be before the assertion below listens.
  inFlight.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 200));
  await redis.stop();
  await assert.rejects(inFlight, (error: Error & { code?: string }) => {
    assert.equal(error.code, 'SN_ERR_PUBLISH_UNCONFIRMED');
    assert.match(error.message, /may have been stored/);
    return true;
  });
  // Once the connection is known to be down, a publish is refused before anything is sent.
  await assert.rejects(hub.publish('news', { data: 'after' }), (error: Error & { code?: string }) => error.code === 'SN_ERR_TRANSPORT_UNAVAILABLE');
});

/**
 * A TCP relay to Redis whose client side can be cut while the Redis side
 * still delivers what was already relayed: a connection that drops after a
 * command reached Redis but before its answer came back.
 */
async function cuttableRelay(target: number): Promise<{ port: number; cut(): void; close(): void }> {
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.end();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      for (const [client] of pairs) client.destroy();
    },
    close: () => {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      server.close();
    },
  };
}

test('the connection drops with an XADD in flight and comes back at once: the XADD is not sent again, so the event is stored once, and publish says SN_ERR_PUBLISH_UNCONFIRMED', async (t) => {
  const redis = await PrivateRedis.start();
  t.after(() => {
    redis.resume();
    return redis.stop();
  });
  const relay = await cuttableRelay(Number(new URL(redis.url).port));
  t.after(relay.close);
  const key = `streamnest:test:${randomUUID()}`;
  const transport = new RedisStreamsTransport({ url: `redis://127.0.0.1:${relay.port}`, key, commandTimeoutMs: 60_000 });
  await transport.start(() => undefined);
  t.after(() => transport.close());
  redis.pause();
  // Written through the relay into Redis's socket; Redis, frozen, has not read it yet.
  const inFlight = transport.append('news', { data: 'once' });
  const outcome = inFlight.then(
    () => 'stored',
    (error: Error & { code?: string }) => error.code,
  );
  await new Promise((r) => setTimeout(r, 200));
  // The client's side drops; ioredis reconnects within 50 ms, to a Redis that then wakes and runs the first XADD.
  relay.cut();
  await new Promise((r) => setTimeout(r, 150));
  redis.resume();
  assert.equal(await outcome, 'SN_ERR_PUBLISH_UNCONFIRMED');
  // Give a re-sent XADD time to land, were there one.
  await new Promise((r) => setTimeout(r, 500));
  const check = new Redis(redis.url);
  t.after(() => check.disconnect());
  const entries = (await check.xrange(key, '-', '+')) as [string, string[]][];
  assert.equal(entries.filter(([, fields]) => fields.includes('once')).length, 1, 'stored once, never twice');
});
