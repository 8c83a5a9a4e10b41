// examples/deno (`deno task start`) and examples/bun (`bun run start`) start the seed
// page's app straight from TypeScript, and an EventSource (the npm `eventsource`
// package) gets /sse and /sse2 from each, as the seed page shows.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { findRuntime, freePort, ROOT, startRuntimeServer, type RuntimeName } from '../support/runtime-process.js';

/** How each example is started, as its README line says. */
const START: Record<RuntimeName, string[]> = { deno: ['task', 'start'], bun: ['run', 'start'] };

/** Collects `count` events of `type` from `url`, then closes the EventSource. */
function collect(url: string, type: string, count: number): Promise<Array<{ data: string; lastEventId: string }>> {
  return new Promise((resolve, reject) => {
    const source = new EventSource(url);
    const got: Array<{ data: string; lastEventId: string }> = [];
    const timer = setTimeout(() => {
      source.close();
      reject(new Error(`${url}: ${got.length} of ${count} "${type}" events in 15 s`));
    }, 15_000);
    source.addEventListener(type, (event) => {
      got.push({ data: event.data, lastEventId: event.lastEventId });
      if (got.length === count) {
        clearTimeout(timer);
        source.close();
        resolve(got);
      }
    });
  });
}

async function checkExample(t: TestContext, name: RuntimeName) {
  const found = await findRuntime(name);
  if (!found.path) return t.skip(found.missing);
  const server = await startRuntimeServer(found.path, START[name], { cwd: join(ROOT, 'examples', name), port: await freePort() });
  t.after(() => server.stop());
  const [plain, named] = await Promise.all([collect(`${server.url}/sse`, 'message', 2), collect(`${server.url}/sse2`, 'myEvent', 2)]);
  for (const event of [...plain, ...named]) assert.deepEqual(JSON.parse(event.data), { hello: 'world' });
  assert.deepEqual(
    plain.map((e) => e.lastEventId),
    ['', ''],
  );
  assert.deepEqual(
    named.map((e) => e.lastEventId),
    ['1', '2'],
  );
  // The live page is there too, and the app logged where it listens.
  assert.match(await (await fetch(server.url)).text(), /new EventSource\('\/sse2'\)/);
  assert.match(server.output(), /listening on/);
}

test('examples/deno: `deno task start` serves the seed /sse and /sse2 from TypeScript', (t) => checkExample(t, 'deno'));
test('examples/bun: `bun run start` serves the seed /sse and /sse2 from TypeScript', (t) => checkExample(t, 'bun'));
