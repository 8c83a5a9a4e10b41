import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { APP_INTERCEPTOR, Controller, Get, Module } from 'streamnest';
import { Test } from 'streamnest/testing';
import { Cache, CacheInterceptor, CacheModule, CacheTTL, RedisStore } from 'streamnest/cache';
import { startApp, type RunningApp } from '../support/app.js';
import { freePort, PrivateRedis } from '../support/redis.js';
import { call } from '../core/support.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Each run's keys under a prefix of their own, so runs (and other tests) never meet. */
const prefix = `test:cache:${randomUUID()}:`;
const redis = new Redis(REDIS_URL);
after(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

let counter = 0;

@Controller()
class CountController {
  @Get('count')
  count() {
    return { n: ++counter };
  }

  @Get('brief')
  @CacheTTL(200)
  brief() {
    return { n: ++counter };
  }
}

function cacheApp(url = REDIS_URL, keyPrefix = prefix): Promise<RunningApp> {
  return startApp({
    imports: [CacheModule.register({ stores: new RedisStore({ url, keyPrefix }), ttl: 60_000 })],
    controllers: [CountController],
    providers: [{ provide: APP_INTERCEPTOR, useClass: CacheInterceptor }],
  });
}

test('RedisStore through HTTP: the answer is stored as JSON under the prefix with a PX ttl, and a second app reads it', async () => {
  const a = await cacheApp();
  const b = await cacheApp();
  try {
    const first = (await call(`${a.url}/count`)).body;
    assert.deepEqual((await call(`${a.url}/count`)).body, first);
    assert.deepEqual((await call(`${b.url}/count`)).body, first, 'another process shares the entry');
    assert.equal(await redis.get(`${prefix}/count`), JSON.stringify(first));
    const pttl = await redis.pttl(`${prefix}/count`);
    assert.ok(pttl > 50_000 && pttl <= 60_000, `PTTL ${pttl}`);
  } finally {
    await a.close();
    await b.close();
  }
});

test('RedisStore: @CacheTTL expires the entry in Redis', async () => {
  const app = await cacheApp();
  try {
    const first = (await call(`${app.url}/brief`)).body;
    assert.deepEqual((await call(`${app.url}/brief`)).body, first);
    const pttl = await redis.pttl(`${prefix}/brief`);
    assert.ok(pttl > 0 && pttl <= 200, `PTTL ${pttl}`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await redis.exists(`${prefix}/brief`), 0);
    assert.notDeepEqual((await call(`${app.url}/brief`)).body, first);
  } finally {
    await app.close();
  }
});

test('RedisStore: a BigInt or a cycle is a clear TypeError and nothing is stored; clear() removes only its own prefix', async () => {
  const store = new RedisStore({ url: REDIS_URL, keyPrefix: `${prefix}own:` });
  const cache = new Cache({ stores: store });
  try {
    await assert.rejects(cache.set('big', { n: 10n }), { code: 'SN_ERR_CACHE_VALUE', name: 'StreamnestTypeError', message: /BigInt/ });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await assert.rejects(cache.set('cycle', cycle), { code: 'SN_ERR_CACHE_VALUE', message: /circular/i });
    assert.equal(await redis.exists(`${prefix}own:big`, `${prefix}own:cycle`), 0);

    await cache.set('a', { a: 1 });
    await cache.set('b*[x]', 2);
    await redis.set(`${prefix}other`, 'kept');
    assert.deepEqual(await cache.get('a'), { a: 1 });
    assert.equal(await cache.wrap('w', () => 7), 7);
    assert.equal(await cache.wrap('w', () => 8), 7);
    await cache.clear();
    assert.equal(await redis.exists(`${prefix}own:a`, `${prefix}own:b*[x]`, `${prefix}own:w`), 0);
    assert.equal(await redis.get(`${prefix}other`), 'kept', 'keys outside the prefix are untouched');
    // A value that is not JSON (not written by the store) reads as a miss, never a crash.
    await redis.set(`${prefix}own:bad`, '{not json');
    assert.equal(await cache.get('bad'), undefined);
  } finally {
    await cache.disconnect();
  }
  assert.throws(() => new RedisStore({ keyPrefix: '' }), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
});

test('RedisStore on your own ioredis client: used as it is, and left open on disconnect', async () => {
  const store = new RedisStore({ client: redis, keyPrefix: `${prefix}client:` });
  await store.set('k', [1, 'two'], 1_000);
  assert.deepEqual(await store.get('k'), [1, 'two']);
  assert.equal(await store.delete('k'), true);
  assert.equal(await store.delete('k'), false);
  await store.disconnect();
  assert.equal(await redis.ping(), 'PONG', 'the app’s client is still open');
});

test('RedisStore: an unreachable Redis fails start-up with SN_ERR_REDIS_UNREACHABLE', async () => {
  const port = await freePort();
  @Module({ imports: [CacheModule.register({ stores: new RedisStore({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 }) })] })
  class AppModule {}
  await assert.rejects(Test.createTestingModule({ imports: [AppModule] }).compile(), { code: 'SN_ERR_REDIS_UNREACHABLE', message: /cache/ });
});

test('RedisStore: with Redis gone, CacheInterceptor answers from the handler (best effort), and cache calls fail with a code', async () => {
  const server = await PrivateRedis.start();
  const app = await cacheApp(server.url, `${prefix}private:`);
  try {
    const first = (await call(`${app.url}/count`)).body;
    assert.deepEqual((await call(`${app.url}/count`)).body, first);
    await server.stop();
    const during = await call(`${app.url}/count`);
    assert.equal(during.status, 200);
    assert.notDeepEqual(during.body, first, 'the handler answered');
    await assert.rejects(app.app.get(Cache).get('x'), { code: 'SN_ERR_CACHE_UNAVAILABLE' });
  } finally {
    await app.close();
    await server.stop();
  }
});
