import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardModule } from '../../examples/dashboard/app.module.js';
import { startApp } from '../support/app.js';
import { openSse } from '../support/sse-reader.js';
import { call, eventually } from './support.js';

/**
 * The dashboard example end to end: login cookie, server-rendered page, upload, cache, schedule, private feed, stream token.
 * Most tests boot its module in this process; the last runs examples/dashboard/main.ts as `npm run dashboard` does.
 */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

async function dashboard() {
  return startApp({ imports: [dashboardModule({ secret: 'test secret' })] }, (app) => {
    app.setBaseViewsDir(join(process.cwd(), 'examples', 'dashboard', 'views'));
    app.setViewEngine('ejs');
  });
}

function form(name: string, filename: string, bytes: Buffer, type: string): { body: Buffer; type: string } {
  const boundary = 'dashboardtest';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

test('dashboard example: log in with a signed cookie, see the rendered page, a forged cookie reads as logged out', async (t) => {
  const { url, close } = await dashboard();
  t.after(close);
  const anonymous = await call(url);
  assert.equal(anonymous.status, 200);
  assert.match(anonymous.text, /Log in/);
  const login = await fetch(`${url}/login?name=ada`, { redirect: 'manual' });
  assert.equal(login.status, 302);
  const setCookie = login.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /^user=s%3Aada\.[^;]+; Max-Age=3600; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
  const cookie = setCookie.split(';')[0]!;
  const page = await call(url, { headers: { cookie } });
  assert.match(page.text, /Hello, ada/);
  const forged = await call(url, { headers: { cookie: 'user=s%3Aeve.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  assert.match(forged.text, /Log in/);
  assert.equal((await call(`${url}/login?name=<script>`, { redirect: 'manual' })).status, 400);
});

test("dashboard example: the private feed needs the cookie, gets the scheduled news and the user's own upload event; the avatar is served back", async (t) => {
  const { url, close } = await dashboard();
  t.after(close);
  assert.equal((await call(`${url}/events`)).status, 401);
  const cookie = (await fetch(`${url}/login?name=ada`, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
  const feed = await openSse(`${url}/events`, { cookie });
  t.after(() => feed.close());
  await feed.waitFor((text) => text.includes('event: tick'), 6000);
  const upload = form('avatar', 'me.png', PNG, 'image/png');
  const posted = await fetch(`${url}/avatar`, {
    method: 'POST',
    headers: { cookie, 'content-type': upload.type },
    body: new Uint8Array(upload.body),
    redirect: 'manual',
  });
  assert.equal(posted.status, 302);
  await feed.waitFor((text) => text.includes('event: avatar'), 3000);
  const image = await fetch(`${url}/avatar/ada`);
  assert.equal(image.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG);
  // Not a PNG inside, whatever its name says: refused, nothing stored for bob.
  const fake = form('avatar', 'me.png', Buffer.from('not an image at all'), 'image/png');
  const refused = await fetch(`${url}/avatar`, {
    method: 'POST',
    headers: { cookie, 'content-type': fake.type },
    body: new Uint8Array(fake.body),
    redirect: 'manual',
  });
  assert.equal(refused.status, 400);
  const big = form('avatar', 'big.png', Buffer.concat([PNG, Buffer.alloc(600 * 1024)]), 'image/png');
  const tooBig = await fetch(`${url}/avatar`, {
    method: 'POST',
    headers: { cookie, 'content-type': big.type },
    body: new Uint8Array(big.body),
    redirect: 'manual',
  });
  assert.equal(tooBig.status, 413);
});

test('dashboard example: cached stats, and the feed by a stream token (a bad one is a 401)', async (t) => {
  const { url, close } = await dashboard();
  t.after(close);
  const first = await call(`${url}/api/stats`);
  const second = await call(`${url}/api/stats`);
  assert.equal(first.body.computedAt, second.body.computedAt, 'the second answer came from the cache');
  const cookie = (await fetch(`${url}/login?name=ada`, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
  const { token } = (await call(`${url}/token`, { headers: { cookie } })).body;
  const feed = await openSse(`${url}/events/token?token=${token}`);
  t.after(() => feed.close());
  assert.equal(feed.status, 200);
  await feed.waitFor((text) => text.includes('event: tick'), 6000);
  assert.equal((await call(`${url}/events/token?token=${token}x`)).status, 401);
});

const MAIN = fileURLToPath(new URL('../../examples/dashboard/main.js', import.meta.url));

test('dashboard example as `npm run dashboard` runs it: serves its page on the port it prints, its cron summary reaches the feed, SIGTERM ends it cleanly', async (t) => {
  // PORT=0: the system picks a free port, which the example prints. The summary every second rather than every ten.
  const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', SECRET: 'test secret', SUMMARY_CRON: '* * * * * *' };
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await eventually(() => /^dashboard on http:\/\/127\.0\.0\.1:\d+$/m.test(output), 'the example to print where it listens', 15_000);
  const url = /^dashboard on (\S+)$/m.exec(output)![1]!;
  assert.notEqual(new URL(url).port, '2000', 'PORT=0 took a free port');

  const home = await call(url);
  assert.equal(home.status, 200);
  assert.match(home.text, /Log in/);

  const cookie = (await fetch(`${url}/login?name=ada`, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
  const feed = await openSse(`${url}/events`, { cookie });
  t.after(() => feed.close());
  assert.equal(feed.status, 200);
  // Two summaries within 4 s: on SUMMARY_CRON's schedule, since the default (every 10 s) cannot send two so soon.
  const summaries = /event: summary\n(?:id: [^\n]*\n)?data: (\{[^\n]*\})\n\n/g;
  const text = await feed.waitFor((received) => [...received.matchAll(summaries)].length >= 2, 4000);
  // What the job read from the hub: this feed among the subscribers.
  for (const [, data] of text.matchAll(summaries)) assert.equal(JSON.parse(data!).subscribers, 1);

  child.kill('SIGTERM');
  await feed.ended;
  const { code, signal } = await exited;
  assert.equal(signal, 'SIGTERM', `ends by the signal it was sent, after the shutdown hooks (exit code ${code})`);
  assert.doesNotMatch(output, /ERROR|shutdown failed/, 'nothing went wrong on the way');
});
