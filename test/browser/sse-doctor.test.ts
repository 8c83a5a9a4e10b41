// What two of the SSE doctor's warnings warn of, shown in Chromium: the
// warning fires where the browser fails, and is silent where it succeeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import cors from 'cors';
import { SseInsights, type Middleware } from 'streamnest';
import { CORS } from 'streamnest/cors';
import { launchChromium, newPage, resumeController, serveHtml, startApp } from './browser.js';

const OTHER_ORIGIN_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>another origin</title></head><body></body></html>';
const { ResumeController } = resumeController(300);

test('SN_WARN_SSE_CORS_LAST_EVENT_ID: a fetch resume from another origin fails in Chromium where the doctor warned, and streams where it did not', async (t) => {
  const pageOrigin = await serveHtml(t, OTHER_ORIGIN_PAGE);
  const narrow = await startApp(
    { controllers: [ResumeController] },
    { configure: (app) => void app.use(cors({ origin: pageOrigin, allowedHeaders: ['Content-Type'] }) as Middleware) },
  );
  t.after(narrow.close);
  const fixed = await startApp(
    { controllers: [ResumeController] },
    { configure: (app) => void app.use(CORS({ origin: pageOrigin, allowedHeaders: ['Content-Type'] })) },
  );
  t.after(fixed.close);
  const codes = (started: typeof narrow) => started.app.get(SseInsights).warnings.map((w) => w.code);
  assert.ok(codes(narrow).includes('SN_WARN_SSE_CORS_LAST_EVENT_ID'), `warned: ${codes(narrow).join(', ')}`);
  assert.ok(!codes(fixed).includes('SN_WARN_SSE_CORS_LAST_EVENT_ID'), `not warned: ${codes(fixed).join(', ')}`);

  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser);
  await page.goto(pageOrigin);
  const resume = (url: string) =>
    page.evaluate(async (url) => {
      try {
        const res = await fetch(url, { headers: { 'Last-Event-ID': '41', Accept: 'text/event-stream' } });
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        while (!text.includes('id: 42\n')) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
        await reader.cancel();
        return { ok: true, text };
      } catch (error) {
        return { ok: false, text: String(error) };
      }
    }, `${url}/resume`);
  const refused = await resume(narrow.url);
  assert.deepEqual(refused, { ok: false, text: 'TypeError: Failed to fetch' }, 'the preflight for Last-Event-ID was refused');
  const resumed = await resume(fixed.url);
  assert.equal(resumed.ok, true);
  assert.match(resumed.text, /id: 42\ndata: \{"n":42\}\n\n/, 'it resumed after the id it sent');
});
