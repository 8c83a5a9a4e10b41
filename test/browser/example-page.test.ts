// The example's live page at `/`: both seed streams fill their logs, and the
// close buttons close them (and the server's sessions end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppModule } from '../../examples/sse/app.module.js';
import { eventually, launchChromium, newPage, startApp } from './browser.js';

const SCREENSHOT = '/tmp/streamnest-example.png';

test('the example page at / shows both streams live, and its close buttons close them', async (t) => {
  const started = await startApp({ imports: [AppModule] });
  t.after(started.close);
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  const response = await page.goto(`${started.url}/`);
  assert.equal(response?.status(), 200);
  assert.match(response?.headers()['content-type'] ?? '', /^text\/html/);
  assert.equal(await page.title(), 'streamnest SSE');

  const items = (list: string) => page.locator(`#${list} li`);
  await page.waitForFunction(() => document.querySelectorAll('#sse-log li').length >= 3 && document.querySelectorAll('#sse2-log li').length >= 3, undefined, {
    timeout: 8000,
  });
  assert.equal(await page.textContent('#sse-state'), 'open');
  assert.equal(await page.textContent('#sse2-state'), 'open');
  assert.deepEqual((await items('sse-log').allTextContents()).slice(0, 3), Array(3).fill('message {"hello":"world"}'));
  assert.deepEqual(
    (await items('sse2-log').allTextContents()).slice(0, 3),
    [1, 2, 3].map((id) => `myEvent id=${id} {"hello":"world"}`),
  );
  assert.equal(started.app.getSseStats().open, 2);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Close /sse: its state reads closed, its session ends, its log stops while /sse2's goes on.
  await page.click('#sse-close');
  assert.equal(await page.textContent('#sse-state'), 'closed');
  await eventually(() => started.app.getSseStats().open === 1, 1000, 'the /sse session to end');
  const frozen = await items('sse-log').count();
  const sse2Before = await items('sse2-log').count();
  await page.waitForFunction((n) => document.querySelectorAll('#sse2-log li').length >= n + 2, sse2Before, { timeout: 5000 });
  assert.equal(await items('sse-log').count(), frozen, 'no message reaches a closed EventSource');

  await page.click('#sse2-close');
  assert.equal(await page.textContent('#sse2-state'), 'closed');
  await eventually(() => started.app.getSseStats().open === 0, 1000, 'the /sse2 session to end');
  assert.deepEqual(errors, []);
});
