// Authorized event streams: a token in the query (it lists the channels it
// grants) or a signed cookie decides what a stream may read; a user never
// receives another user's private event, live, on resume with Last-Event-ID,
// or across two processes on Redis; a token that expires while the stream is
// open ends it with an `expired` event.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sign } from 'cookie-signature';
import { SseHub } from 'streamnest';
import { JwtService } from 'streamnest/jwt';
import { runtimeSkip } from '../runtimes/skips.js';
import { startApp } from '../support/app.js';
import { redisUrl } from '../support/redis.js';
import { eventually, openSse, type RawSse } from '../support/sse-reader.js';
import { call } from '../core/support.js';
import { authorizedModule } from './authorized-app.js';

const SECRET = 'stream secret of the tests, long enough';
const jwt = new JwtService({ secret: SECRET });
const tokenFor = (user: string, expiresIn: number | string = '1h', extra: string[] = []) =>
  jwt.sign({ sub: user, subscribe: ['news', `user:${user}`, ...extra] }, { expiresIn });

/** The `data:` of every event received so far. */
const dataOf = (stream: RawSse) => [...stream.text().matchAll(/^data: (.*)$/gm)].map((m) => m[1]!);
/** The last `id:` received so far. */
const lastIdOf = (stream: RawSse) => [...stream.text().matchAll(/^id: (.*)$/gm)].map((m) => m[1]!).at(-1)!;

async function publish(url: string, channel: string, data: string): Promise<void> {
  const res = await call(`${url}/publish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel, data }) });
  assert.equal(res.status, 201, res.text);
}

async function open(t: TestContext, url: string, headers: Record<string, string> = {}): Promise<RawSse> {
  const stream = await openSse(url, headers);
  t.after(() => stream.close());
  return stream;
}

test('a query token grants its channels: each user gets the news and its own events, never the other user’s', async (t) => {
  const { app, url, close } = await startApp({ imports: [authorizedModule(SECRET)] });
  t.after(close);
  const hub = app.get(SseHub);
  const ada = await open(t, `${url}/events?token=${tokenFor('7')}`);
  const bob = await open(t, `${url}/events?token=${tokenFor('8')}`);
  assert.deepEqual([ada.status, bob.status], [200, 200]);
  await eventually(() => hub.stats().subscribers === 2, 3000, 'two subscribers');

  await publish(url, 'user:8', 'for-8');
  await publish(url, 'user:7', 'for-7');
  await publish(url, 'news', 'news-1');
  await ada.waitFor((text) => text.includes('news-1'));
  await bob.waitFor((text) => text.includes('news-1'));
  assert.deepEqual(dataOf(ada), ['for-7', 'news-1']);
  assert.deepEqual(dataOf(bob), ['for-8', 'news-1']);

  // Asking for a channel the token does not grant gets nothing of it: alone, 403; with others, it is left out.
  const forbidden = await call(`${url}/events?token=${tokenFor('7')}&channels=user:8`);
  assert.equal(forbidden.status, 403);
  const narrowed = await open(t, `${url}/events?token=${tokenFor('7')}&channels=user:8,news`);
  await eventually(() => hub.stats().subscribers === 3, 3000, 'the narrowed subscriber');
  await publish(url, 'user:8', 'for-8-again');
  await publish(url, 'news', 'news-2');
  await narrowed.waitFor((text) => text.includes('news-2'));
  assert.deepEqual(dataOf(narrowed), ['news-2']);

  // No token, a forged or another app's token, an expired one: 401 before any stream starts.
  const forged = `${tokenFor('7').split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`;
  const expired = jwt.sign({ sub: '7', subscribe: ['user:7'], exp: Math.floor(Date.now() / 1000) - 60 });
  const otherApp = new JwtService({ secret: 'another app' }).sign({ sub: '7', subscribe: ['user:8'] });
  for (const query of ['', `?token=${forged}`, `?token=${expired}`, `?token=${otherApp}`, '?token=not-a-token']) {
    const res = await call(`${url}/events${query}`);
    assert.equal(res.status, 401, query);
    assert.match(res.headers.get('content-type') ?? '', /json/, 'a JSON error, so EventSource stops instead of reconnecting');
  }
});

test('on resume with Last-Event-ID, the replay holds only the channels the token grants', async (t) => {
  const { app, url, close } = await startApp({ imports: [authorizedModule(SECRET)] });
  t.after(close);
  const hub = app.get(SseHub);
  const first = await open(t, `${url}/events?token=${tokenFor('7')}`);
  await eventually(() => hub.stats().subscribers === 1, 3000, 'subscriber');
  await publish(url, 'user:7', 'seen-7');
  await first.waitFor((text) => text.includes('seen-7'));
  const resumeFrom = lastIdOf(first);
  first.close();
  await eventually(() => hub.stats().subscribers === 0, 3000, 'gone');

  // While away: the other user's private events, then this user's own.
  await publish(url, 'user:8', 'away-8');
  await publish(url, 'user:7', 'away-7');
  await publish(url, 'news', 'away-news');
  const resumedByHeader = await open(t, `${url}/events?token=${tokenFor('7')}`, { 'last-event-id': resumeFrom });
  await resumedByHeader.waitFor((text) => text.includes('away-news'));
  assert.deepEqual(dataOf(resumedByHeader), ['away-7', 'away-news']);
  // The same through the lastEventId query parameter, and with a token that asks for another user's channel too.
  const resumedByQuery = await open(t, `${url}/events?token=${tokenFor('7')}&channels=user:7,user:8,news&lastEventId=${encodeURIComponent(resumeFrom)}`);
  await resumedByQuery.waitFor((text) => text.includes('away-news'));
  assert.deepEqual(dataOf(resumedByQuery), ['away-7', 'away-news']);
});

test('a signed cookie authorizes a stream to its user’s channel; a forged cookie is 401', async (t) => {
  const { app, url, close } = await startApp({ imports: [authorizedModule(SECRET)] });
  t.after(close);
  const hub = app.get(SseHub);
  const cookie = (user: string, secret = SECRET) => `user=${encodeURIComponent(`s:${sign(user, secret)}`)}`;
  const ada = await open(t, `${url}/cookie-events`, { cookie: cookie('7') });
  assert.equal(ada.status, 200);
  await eventually(() => hub.stats().subscribers === 1, 3000, 'subscriber');
  await publish(url, 'user:8', 'for-8');
  await publish(url, 'user:7', 'for-7');
  await ada.waitFor((text) => text.includes('for-7'));
  assert.deepEqual(dataOf(ada), ['for-7']);
  assert.equal((await call(`${url}/cookie-events`, { headers: { cookie: cookie('8', 'forged') } })).status, 401);
  assert.equal((await call(`${url}/cookie-events`, { headers: { cookie: 'user=8' } })).status, 401);
});

test('a token that expires while the stream is open ends it with an `expired` event, then the stream ends', async (t) => {
  const { app, url, close } = await startApp({ imports: [authorizedModule(SECRET)] });
  t.after(close);
  const hub = app.get(SseHub);
  const exp = Math.floor(Date.now() / 1000) + 2;
  const stream = await open(t, `${url}/events?token=${jwt.sign({ sub: '7', subscribe: ['user:7'], exp })}`);
  assert.equal(stream.status, 200);
  await eventually(() => hub.stats().subscribers === 1, 3000, 'subscriber');
  await publish(url, 'user:7', 'before-expiry');
  await stream.waitFor((text) => text.includes('event: expired'), 5000);
  await stream.ended;
  assert.ok(Date.now() >= exp * 1000, 'not before the token expired');
  assert.match(stream.text(), /data: before-expiry\n\n[\s\S]*event: expired\ndata: \{"reason":"authorization-expired"\}\n\n$/);
  await eventually(() => hub.stats().subscribers === 0, 3000, 'the subscription is gone');
  // Reconnecting with the same token is refused; the client must fetch a new one.
  assert.equal((await call(`${url}/events?token=${jwt.sign({ sub: '7', subscribe: ['user:7'], exp: exp - 10 })}`)).status, 401);
});

test('hub.subscribe checks expiresAt, and an expiry already past ends the stream at once with `expired`', async (t) => {
  const { app, url, close } = await startApp({ imports: [authorizedModule(SECRET)] });
  t.after(close);
  const hub = app.get(SseHub);
  assert.throws(() => hub.subscribe('news', { expiresAt: Number.NaN }), { code: 'SN_ERR_INVALID_ARGUMENT', message: /expiresAt/ });
  assert.throws(() => hub.subscribe('news', { expiresAt: new Date('nonsense') }), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => hub.subscribe('news', { expiresAt: '2030' as never }), { code: 'SN_ERR_INVALID_ARGUMENT' });
  // A token within the verifier's clock tolerance may already be past its exp: the stream opens and ends at once.
  const justExpired = jwt.sign({ sub: '7', subscribe: ['user:7'], exp: Math.floor(Date.now() / 1000) - 2 });
  const stream = await open(t, `${url}/events?token=${justExpired}`);
  assert.equal(stream.status, 200);
  await stream.ended;
  assert.match(stream.text(), /event: expired\ndata: \{"reason":"authorization-expired"\}\n\n$/);
  await eventually(() => hub.stats().subscribers === 0, 3000, 'no subscriber left');
});

test(
  'a stream that closes before its token expires leaves no timer behind',
  runtimeSkip('hub: a stream that closes before its token expires leaves no timer'),
  async (t) => {
    const { app, url, close } = await startApp({ imports: [authorizedModule(SECRET)] });
    t.after(close);
    const hub = app.get(SseHub);
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const streams = await Promise.all(Array.from({ length: 5 }, () => openSse(`${url}/events?token=${tokenFor('7')}`)));
    await eventually(() => hub.stats().subscribers === 5, 3000, 'five subscribers');
    assert.ok(timers() >= before + 5, `each stream waits for its expiry: ${timers()} timers, ${before} before`);
    for (const stream of streams) stream.close();
    await eventually(() => hub.stats().subscribers === 0, 3000, 'all gone');
    await eventually(() => timers() <= before, 3000, `the expiry timers cleared (${timers()} left, ${before} before)`);
  },
);

/** Runs authorized-app-main.js in a process of its own on Redis; resolves with its URL. */
async function startProcess(t: TestContext, redis: string, key: string): Promise<string> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./authorized-app-main.js', import.meta.url))], {
    env: { ...process.env, REDIS_URL: redis, STREAM_KEY: key, SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(line!.trim());
    });
    child.on('exit', (code) => reject(new Error(`the app process exited with ${code} before listening`)));
  });
}

test('two processes on Redis: private events never cross users, live or on resume in the other process', async (t) => {
  const redis = await redisUrl();
  const key = `streamnest:test:authorized:${randomUUID()}`;
  const [a, b] = await Promise.all([startProcess(t, redis, key), startProcess(t, redis, key)]);
  const adaOnA = await open(t, `${a}/events?token=${tokenFor('7')}`);
  const bobOnB = await open(t, `${b}/events?token=${tokenFor('8')}`);
  assert.deepEqual([adaOnA.status, bobOnB.status], [200, 200]);
  // Each process's reader is live once a probe published on the other arrives.
  await publish(b, 'news', 'probe');
  await adaOnA.waitFor((text) => text.includes('probe'));
  await publish(a, 'news', 'probe-2');
  await bobOnB.waitFor((text) => text.includes('probe-2'));

  await publish(a, 'user:8', 'for-8');
  await publish(b, 'user:7', 'for-7');
  await publish(a, 'news', 'news-1');
  await adaOnA.waitFor((text) => text.includes('news-1'));
  await bobOnB.waitFor((text) => text.includes('news-1'));
  assert.deepEqual(dataOf(adaOnA), ['probe', 'probe-2', 'for-7', 'news-1']);
  assert.deepEqual(dataOf(bobOnB), ['probe', 'probe-2', 'for-8', 'news-1']);

  // Ada leaves A, misses events, and resumes on B with her Last-Event-ID.
  const resumeFrom = lastIdOf(adaOnA);
  adaOnA.close();
  await publish(a, 'user:8', 'away-8');
  await publish(a, 'user:7', 'away-7');
  await publish(b, 'news', 'away-news');
  await bobOnB.waitFor((text) => text.includes('away-news'));
  const adaOnB = await open(t, `${b}/events?token=${tokenFor('7')}`, { 'last-event-id': resumeFrom });
  await adaOnB.waitFor((text) => text.includes('away-news'));
  assert.deepEqual(dataOf(adaOnB), ['away-7', 'away-news']);
  assert.deepEqual(dataOf(bobOnB).slice(4), ['away-8', 'away-news']);
});
