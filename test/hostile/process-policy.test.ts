// What happens to errors nobody caught, with enableShutdownHooks(): logged as
// fatal, a graceful close (streams get their retry hint), then exit code 1.
// An app with its own listener keeps its own policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSse } from '../support/sse-reader.js';

const script = fileURLToPath(new URL('./fixtures/fatal-app.js', import.meta.url));

interface Child {
  child: ChildProcess;
  url: string;
  urls: string[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

async function start(env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const urls = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no READY line: ${stdout} ${stderr}`)), 10_000);
    child.stdout!.on('data', () => {
      const match = /READY (.+)\n/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.split(' '));
      }
    });
  });
  return { child, url: urls[0]!, urls, stdout: () => stdout, stderr: () => stderr, exited };
}

for (const route of ['stray-rejection', 'late-throw']) {
  test(`${route}: logged as fatal, streams get a retry hint, then exit code 1`, async (t) => {
    const app = await start();
    t.after(() => app.child.kill('SIGKILL'));
    const stream = await openSse(`${app.url}/feed`);
    await stream.waitFor((text) => text.includes('data: connected'));
    assert.equal(await (await fetch(`${app.url}/${route}`)).text(), 'answered');
    await stream.ended;
    assert.match(stream.text(), /retry: \d+\n\n$/, 'the stream ended with a retry hint');
    assert.equal(await app.exited, 1);
    assert.match(app.stderr(), /FATAL.*(a floating rejection|a throw from a timer)/);
  });
}

test('an app with its own unhandledRejection listener keeps its policy: the process stays up', async (t) => {
  const app = await start({ OWN_POLICY: '1' });
  t.after(() => app.child.kill('SIGKILL'));
  assert.equal(await (await fetch(`${app.url}/stray-rejection`)).text(), 'answered');
  await new Promise((r) => setTimeout(r, 200));
  assert.match(app.stdout(), /OWN POLICY a floating rejection/);
  assert.equal(await (await fetch(`${app.url}/ping`)).text(), 'pong');
  assert.equal(app.child.exitCode, null);
});

test('two apps in one process: both close gracefully, then the process exits with code 1', async (t) => {
  const app = await start({ TWO_APPS: '1' });
  t.after(() => app.child.kill('SIGKILL'));
  const streams = await Promise.all(app.urls.map((url) => openSse(`${url}/feed`)));
  await Promise.all(streams.map((s) => s.waitFor((text) => text.includes('data: connected'))));
  await fetch(`${app.urls[1]}/stray-rejection`);
  await Promise.all(streams.map((s) => s.ended));
  for (const stream of streams) assert.match(stream.text(), /retry: \d+\n\n$/);
  assert.equal(await app.exited, 1);
  assert.equal(app.stderr().match(/FATAL/g)?.length, 1, 'logged once, not once per app');
});

test('a shutdown hook that never ends cannot keep a broken process alive', async (t) => {
  const app = await start({ HANG: '1' });
  t.after(() => app.child.kill('SIGKILL'));
  const started = Date.now();
  await fetch(`${app.url}/stray-rejection`);
  assert.equal(await app.exited, 1);
  const took = Date.now() - started;
  assert.ok(took < 10_000, `exited after ${took} ms (shutdownTimeout 300 ms plus the grace period)`);
});
