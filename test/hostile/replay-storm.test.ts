// 100 clients resume at once from an old id on Redis. Each must get an exact
// replay or a reset, and the server's memory must stay bounded: replays are
// read in pages, a bounded number at a time, each paced by its client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { redisUrl } from '../support/redis.js';

const script = fileURLToPath(new URL('./fixtures/hub-server.js', import.meta.url));
const CLIENTS = 100;
const EVENTS = 2000;
const SIZE = 1500;

/** Reads one resumed stream to its last expected event, keeping only what the assertions need. */
function resume(url: string, lastEventId: string, agent: http.Agent): Promise<{ numbers: number[]; reset: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/feed`, { agent, headers: { accept: 'text/event-stream', 'last-event-id': lastEventId } }, (res) => {
      const numbers: number[] = [];
      let reset = false;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: reset')) reset = true;
          const data = /^data: (\d+):/m.exec(block);
          if (data) numbers.push(Number(data[1]));
        }
        if (reset || numbers[numbers.length - 1] === EVENTS) {
          req.destroy();
          resolve({ numbers, reset });
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.setTimeout(60_000, () => reject(new Error('a resumed stream stalled')));
  });
}

test(`${CLIENTS} resumes at once from an old id on Redis: exact replays or resets, and bounded memory`, async (t) => {
  const child = spawn(process.execPath, ['--expose-gc', script], {
    env: { ...process.env, REDIS_URL: await redisUrl(), STREAM_KEY: `streamnest:test:${randomUUID()}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`the hub server exited: ${out}`)));
  });
  const json = async (path: string) => (await fetch(`${url}${path}`)).json() as Promise<any>;

  const { first } = await json(`/fill?n=${EVENTS}&size=${SIZE}`);
  const baseline = (await json('/rss')).rss;
  let peak = baseline;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await json('/rss')).rss);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  t.after(() => agent.destroy());
  const results = await Promise.all(Array.from({ length: CLIENTS }, () => resume(url, first, agent)));
  sampling = false;
  await sampler;

  const expected = Array.from({ length: EVENTS - 1 }, (_, i) => i + 2);
  let exact = 0;
  for (const { numbers, reset } of results) {
    if (reset) {
      assert.deepEqual(numbers, expected.slice(0, numbers.length), 'before a reset, an exact prefix');
    } else {
      assert.deepEqual(numbers, expected);
      exact++;
    }
  }
  const grownMiB = (peak - baseline) / 2 ** 20;
  const stats = (await json('/rss')).stats;
  t.diagnostic(
    `${exact} exact replays, ${CLIENTS - exact} resets; history ${((EVENTS * SIZE) / 2 ** 20).toFixed(1)} MiB; server RSS grew ${grownMiB.toFixed(1)} MiB at peak`,
  );
  assert.equal(stats.replays + stats.resets, CLIENTS);
  // Holding every replay whole would take CLIENTS × the history (about 290 MiB here) and more.
  assert.ok(grownMiB < 120, `server RSS grew by ${grownMiB.toFixed(1)} MiB`);
});
