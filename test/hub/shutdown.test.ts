import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { RUNTIME } from '../runtimes/skips.js';
import { connectEvents } from '../support/event-client.js';
import { freePort, redisUrl } from '../support/redis.js';
import { eventually } from '../support/sse-reader.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

function start(
  script: string,
  env: Record<string, string>,
  runtimeArgs: string[] = [],
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, [...runtimeArgs, `${examples}${script}`], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

async function waitUntilServing(url: string): Promise<void> {
  await eventually(
    async () =>
      await fetch(`${url}/stats`).then(
        (r) => r.ok,
        () => false,
      ),
    15_000,
    `${url} to serve`,
  );
}

test('SIGTERM ends every stream with a jittered retry hint, then the process exits within a bounded time', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, exited } = start('hub/main.js', { PORT: String(port), HOST: '127.0.0.1' });
  t.after(() => child.kill('SIGKILL'));
  await waitUntilServing(url);
  const clients = await Promise.all([1, 2, 3].map(() => connectEvents(`${url}/events`)));
  await eventually(async () => (await (await fetch(`${url}/stats`)).json()).subscribers === 3, 5000, 'three subscribers');
  const signalled = Date.now();
  child.kill('SIGTERM');
  await Promise.all(clients.map((c) => c.ended));
  for (const client of clients) {
    assert.equal(client.retries.length, 1, 'one retry hint before the end');
    assert.ok(client.retries[0]! >= 1000 && client.retries[0]! <= 2000);
  }
  const { signal } = await exited;
  assert.equal(signal, 'SIGTERM', 'the process ends by the signal it was sent, after the hooks ran');
  assert.ok(Date.now() - signalled < 10_000, 'exited within the shutdown bound');
});

test('the cluster example: N processes on one port share every event through Redis', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A stream of its own: the same test may run at once under another runtime.
  const env = { PORT: String(port), HOST: '127.0.0.1', WORKERS: '2', REDIS_URL: await redisUrl(), REDIS_KEY: `streamnest:test:${randomUUID()}` };
  // On Deno, as the README says to run it: node:cluster's handing of connections to workers loses one now and then
  // under load, so each worker binds the port itself with reusePort on Deno.serve (which asks for --unstable-net).
  const { child, exited } =
    RUNTIME === 'deno' ? start('cluster/main.js', { ...env, STREAMNEST_ENGINE: 'web' }, ['run', '-A', '--unstable-net']) : start('cluster/main.js', env);
  t.after(() => child.kill('SIGKILL'));
  await waitUntilServing(url);
  // Connections are spread over the workers by the primary; every one must see every event.
  const clients = await Promise.all(Array.from({ length: 8 }, () => connectEvents(`${url}/events`)));
  await new Promise((r) => setTimeout(r, 300));
  const ids = [];
  for (let i = 1; i <= 20; i++) {
    // A new connection each time, so the primary spreads publishes over the workers too.
    const res = await fetch(`${url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ text: `m${i}` }),
    });
    assert.equal(res.status, 201);
    ids.push((await res.json()).id);
  }
  for (const client of clients) {
    const events = await client.waitForCount(20, 15_000);
    assert.deepEqual(
      events.map((e) => JSON.parse(e.data).text),
      Array.from({ length: 20 }, (_, i) => `m${i + 1}`),
    );
    assert.deepEqual(
      events.map((e) => e.id),
      ids,
    );
  }
  const via = new Set(clients.flatMap((c) => c.events.map((e) => JSON.parse(e.data).via)));
  assert.ok(via.size >= 2, `publishes were served by more than one worker (${[...via].join(', ')})`);
  child.kill('SIGTERM');
  await Promise.all(clients.map((c) => c.ended));
  await exited;
});
