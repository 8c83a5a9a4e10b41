import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Controller, Get, Headers, LastEventId, MemoryTransport, Query, Sse, SseHub, SseModule, type SseTransport } from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { runtimeSkip } from '../runtimes/skips.js';
import { connectEvents } from '../support/event-client.js';
import { redisUrl } from '../support/redis.js';
import { eventually, openSse } from '../support/sse-reader.js';
import { call } from '../core/support.js';
import { startApp } from '../support/app.js';

/**
 * Private channels, Mercure-style: the client's authorization lists the
 * channels it may read. Here the "authorization" is a header the test sets,
 * standing in for a verified token's claims (user id, granted topics, expiry).
 */
@Controller()
class PrivateFeedController {
  constructor(private readonly hub: SseHub) {}

  @Get('/private')
  @Sse({ heartbeat: false })
  feed(
    @Headers('x-user') user: string,
    @Headers('x-expires-at') expiresAt: string | undefined,
    @Query('channels') channels: string | undefined,
    @LastEventId() lastEventId?: string,
  ) {
    const own = `user:${user}`;
    return this.hub.subscribe(channels ? channels.split(',') : own, {
      allow: [own, `${own}:*`, 'news'],
      expiresAt: expiresAt === undefined ? undefined : Number(expiresAt),
      lastEventId,
    });
  }
}

async function privateApp(transport: SseTransport) {
  const running = await startApp({ imports: [SseModule.forRoot({ transport })], controllers: [PrivateFeedController] });
  return { ...running, hub: running.app.get(SseHub) };
}

test('a channel the authorization does not grant is refused with 403 before the stream starts; granted prefixes and names pass', async (t) => {
  const app = await privateApp(new MemoryTransport());
  t.after(app.close);
  const stolen = await call(`${app.url}/private?channels=user:2`, { headers: { 'x-user': '1' } });
  assert.equal(stolen.status, 403);
  const mixed = await call(`${app.url}/private?channels=user:1,user:2`, { headers: { 'x-user': '1' } });
  assert.equal(mixed.status, 403, 'one forbidden channel refuses the whole subscription');
  const granted = await openSse(`${app.url}/private?channels=user:1,user:1:jobs,news`, { 'x-user': '1' });
  t.after(() => granted.close());
  assert.equal(granted.status, 200);
  assert.equal(app.hub.stats().subscribers, 1);
});

/** Two users, each on their own channel, events interleaved; then user 1 resumes with an id of user 2's channel. */
async function neverAnotherUsersEvent(
  t: import('node:test').TestContext,
  publishOn: SseHub,
  readFrom: { url: string; hub: SseHub },
  resumeOn: { url: string },
) {
  const one = await connectEvents(`${readFrom.url}/private`, { 'x-user': '1' });
  const two = await connectEvents(`${readFrom.url}/private`, { 'x-user': '2' });
  t.after(() => {
    one.close();
    two.close();
  });
  await eventually(() => readFrom.hub.stats().subscribers === 2, 3000, 'both subscribed');
  const ids: Record<string, string[]> = { '1': [], '2': [] };
  for (let i = 1; i <= 10; i++) {
    for (const user of ['1', '2']) ids[user]!.push(await publishOn.publish(`user:${user}`, { data: `for ${user}: ${i}` }));
  }
  const gotOne = await one.waitForCount(10);
  const gotTwo = await two.waitForCount(10);
  assert.ok(
    gotOne.every((e) => e.data.startsWith('for 1:')),
    'user 1 got only its own events',
  );
  assert.ok(
    gotTwo.every((e) => e.data.startsWith('for 2:')),
    'user 2 got only its own events',
  );
  one.close();
  // While user 1 is away, both get more; user 1 comes back with an id taken from user 2's channel.
  for (let i = 11; i <= 15; i++) {
    for (const user of ['1', '2']) await publishOn.publish(`user:${user}`, { data: `for ${user}: ${i}` });
  }
  const back = await connectEvents(`${resumeOn.url}/private`, { 'x-user': '1', 'last-event-id': ids['2']![4]! });
  t.after(() => back.close());
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(back.events.length > 0, 'the resume replayed something');
  assert.ok(
    back.events.every((e) => e.event === 'reset' || e.data.startsWith('for 1:')),
    `resume gave only user 1's events: ${back.events.map((e) => e.data).join(' | ')}`,
  );
}

test("memory: a user never receives another user's private event, live or on resume with Last-Event-ID", async (t) => {
  const app = await privateApp(new MemoryTransport());
  t.after(app.close);
  await neverAnotherUsersEvent(t, app.hub, app, app);
});

test("redis, two instances: a user never receives another user's private event, live or on resume on the other instance", async (t) => {
  const url = await redisUrl();
  const key = `streamnest:test:${randomUUID()}`;
  const a = await privateApp(new RedisStreamsTransport({ url, key }));
  t.after(a.close);
  const b = await privateApp(new RedisStreamsTransport({ url, key }));
  t.after(b.close);
  await neverAnotherUsersEvent(t, a.hub, b, a);
});

test('an authorization that expires while the stream is open ends it with an `expired` event; one already past ends it at once', async (t) => {
  const app = await privateApp(new MemoryTransport());
  t.after(app.close);
  const past = await openSse(`${app.url}/private`, { 'x-user': '1', 'x-expires-at': String(Date.now() - 1000) });
  await past.ended;
  assert.equal(past.text(), 'event: expired\ndata: {"reason":"authorization-expired"}\n\n');
  const sse = await openSse(`${app.url}/private`, { 'x-user': '1', 'x-expires-at': String(Date.now() + 400) });
  t.after(() => sse.close());
  await app.hub.publish('user:1', { data: 'before' });
  await sse.ended;
  assert.match(sse.text(), /data: before\n\n/);
  assert.match(sse.text(), /event: expired\ndata: \{"reason":"authorization-expired"\}\n\n$/);
  await eventually(() => app.hub.stats().subscribers === 0, 2000, 'the subscription to be gone');
  assert.equal(app.app.getSseStats().open, 0);
});

test(
  'a stream that closes before its authorization expires leaves no timer behind',
  runtimeSkip('hub: a stream that closes before its authorization expires leaves no timer'),
  async (t) => {
    const app = await privateApp(new MemoryTransport());
    t.after(app.close);
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const streams = await Promise.all(
      Array.from({ length: 20 }, () => openSse(`${app.url}/private`, { 'x-user': '1', 'x-expires-at': String(Date.now() + 60 * 60 * 1000) })),
    );
    await eventually(() => app.hub.stats().subscribers === 20, 3000, 'twenty subscribed');
    const timersOpen = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    assert.ok(timersOpen >= timersBefore + 20, `each stream waits for its expiry: ${timersOpen} timers, ${timersBefore} before`);
    for (const s of streams) s.close();
    await eventually(() => app.hub.stats().subscribers === 0, 3000, 'all gone');
    await eventually(() => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length <= timersBefore, 3000, 'the expiry timers cleared');
  },
);

test('bad grants are refused with a code: not an array, an empty entry, an expiry that is not a time', async (t) => {
  const app = await privateApp(new MemoryTransport());
  t.after(app.close);
  assert.throws(() => app.hub.subscribe('a', { allow: 'a' as never }), { code: 'SN_ERR_INVALID_ARGUMENT', name: 'StreamnestTypeError' });
  assert.throws(() => app.hub.subscribe('a', { allow: [''] }), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => app.hub.subscribe('a', { expiresAt: 'soon' as never }), { code: 'SN_ERR_INVALID_ARGUMENT' });
});
