// The seed page in Chromium against the app running under Deno and under Bun (the
// binaries from the npm packages), straight from TypeScript, on each engine: the
// runtime's own server (the default) and Node's through its Node layer. The live page's
// /sse and /sse2 in real EventSources, a restart that the page comes back from with
// Last-Event-ID, and close() running the stream's cancel on the server.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { findRuntime, freePort, ROOT, startRuntimeServer, type RuntimeName, type RuntimeServer } from '../support/runtime-process.js';
import { eventually, launchChromium, newPage, openCountingSource } from './browser.js';

const FIXTURE = 'test/browser/fixtures/runtime-app.ts';

/** How each runtime runs the fixture: Deno with examples/deno's config (import map, decorators), Bun with the root tsconfig. */
const ARGS: Record<RuntimeName, string[]> = {
  deno: ['run', '--allow-all', '--config', 'examples/deno/deno.json', FIXTURE],
  bun: [FIXTURE],
};

type Engine = 'web' | 'node';

interface Stats {
  runtime: string;
  engine: Engine;
  open: number;
  cancels: number;
  seedLastEventIds: Array<string | null>;
}

async function stats(server: RuntimeServer): Promise<Stats> {
  return (await fetch(`${server.url}/probe/stats`)).json() as Promise<Stats>;
}

/** The lines the live page logged for one stream (`sse` or `sse2`). */
function logged(page: Page, name: 'sse' | 'sse2'): Promise<string[]> {
  return page.$$eval(`#${name}-log li`, (items) => items.map((li) => li.textContent ?? ''));
}

async function seedPageOnRuntime(t: TestContext, name: RuntimeName, engine: Engine) {
  const found = await findRuntime(name);
  if (!found.path) return t.skip(found.missing);
  const port = await freePort();
  // 'web' is what listen() picks on Deno and Bun by default; 'node' is asked for with STREAMNEST_ENGINE.
  const env = { STREAMNEST_ENGINE: engine === 'web' ? '' : 'node' };
  const start = () => startRuntimeServer(found.path!, ARGS[name], { cwd: ROOT, port, probePath: '/probe/stats', env });
  let server = await start();
  t.after(() => server.stop());
  const first = await stats(server);
  assert.equal(first.runtime, name, 'the app runs under the runtime it was started with');
  assert.equal(first.engine, engine, 'on the engine asked for');

  // The seed's live page: onmessage on /sse, addEventListener('myEvent') on /sse2.
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.querySelectorAll('#sse-log li').length >= 2 && document.querySelectorAll('#sse2-log li').length >= 2, undefined, {
    timeout: 15_000,
  });
  const plain = await logged(page, 'sse');
  assert.deepEqual(plain.slice(0, 2), ['message {"hello":"world"}', 'message {"hello":"world"}']);
  const named = await logged(page, 'sse2');
  assert.deepEqual(named.slice(0, 2), ['myEvent id=1 {"hello":"world"}', 'myEvent id=2 {"hello":"world"}']);
  assert.equal(await page.textContent('#sse2-state'), 'open');
  assert.deepEqual((await stats(server)).seedLastEventIds, [null], 'a first connection carries no Last-Event-ID');

  // Restart: SIGTERM lets the app end its streams with a short retry; a new process on
  // the same port gets the page back, and /sse2 brings the last id it saw.
  await server.stop('SIGTERM');
  const before = await logged(page, 'sse2');
  const lastId = before.at(-1)!.match(/id=(\d+)/)![1]!;
  server = await start();
  await page.waitForFunction((count) => document.querySelectorAll('#sse2-log li').length > count, before.length, { timeout: 20_000 });
  assert.deepEqual((await stats(server)).seedLastEventIds, [lastId], `/sse2 came back with Last-Event-ID ${lastId}`);
  await page.waitForFunction((count) => document.querySelectorAll('#sse-log li').length > count, plain.length, { timeout: 20_000 });
  assert.equal((await stats(server)).open, 2, 'both seed streams are open again');

  // close(): a stream whose cancel the server counts, then the page's own close buttons.
  await openCountingSource(page, 'probe', '/probe/stream', 2, 10_000);
  assert.equal((await stats(server)).open, 3);
  assert.equal((await stats(server)).cancels, 0);
  await page.evaluate(() => (window as any).probe.close());
  await eventually(async () => (await stats(server)).cancels > 0, 5000, 'cancel to run after close()');
  await page.click('#sse-close');
  await page.click('#sse2-close');
  await eventually(async () => (await stats(server)).open === 0, 5000, 'every session to end after close()');
  assert.equal(await page.textContent('#sse2-state'), 'closed');
  // Give a second cancel every chance to show up.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await stats(server)).cancels, 1, 'cancel runs exactly once');
}

for (const [name, label] of [
  ['deno', 'Deno'],
  ['bun', 'Bun'],
] as const) {
  test(`${label}, on Deno.serve/Bun.serve (the default): the seed page's /sse and /sse2 in Chromium, reconnect with Last-Event-ID, close() runs cancel`, (t) =>
    seedPageOnRuntime(t, name, 'web'));
  test(`${label}, on Node's server (STREAMNEST_ENGINE=node): the seed page's /sse and /sse2 in Chromium, reconnect with Last-Event-ID, close() runs cancel`, (t) =>
    seedPageOnRuntime(t, name, 'node'));
}
