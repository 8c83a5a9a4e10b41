// close(), an abort and `break` leave nothing running: no reconnect timer, no
// request. Checked in a process of its own (the app's own timers would blur the
// count here), which must then end by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { count, newLog, startClientApp } from './client-app.js';

const CHILD = fileURLToPath(new URL('./fixtures/no-timers-child.js', import.meta.url));

test('after abort, close() and break, the client leaves no timer and the process ends on its own', async (t) => {
  const log = newLog();
  const started = await startClientApp(log);
  t.after(started.close);
  const child = spawn(process.execPath, [CHILD, started.url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  // A process held open by a leftover timer or socket would never exit: say so rather than hang.
  const guard = setTimeout(() => child.kill(), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(guard);
  assert.equal(code, 0, `the child did not end on its own (output: ${output})`);
  const report = JSON.parse(output) as { timersWhileWaiting: number; timers: number; states: number[] };
  assert.equal(report.timersWhileWaiting, 1, 'the reconnect timer was seen while waiting');
  assert.equal(report.timers, 0);
  assert.deepEqual(report.states, [2, 2]);
  // Nothing came back after the abort, the close or the break.
  await sleep(200);
  assert.equal(count(log, '/ticks'), 2);
  assert.equal(count(log, '/status/503'), 1);
});
