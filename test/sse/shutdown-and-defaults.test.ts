import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, getSSEStream, Sse } from 'streamnest';
import { startApp } from '../support/app.js';
import { eventually, openSse } from '../support/sse-reader.js';
import { runtimeSkip } from '../runtimes/skips.js';

const cancels: unknown[] = [];

@Controller()
class QuietController {
  @Sse('quiet')
  quiet() {
    return getSSEStream({
      cancel(reason) {
        cancels.push(reason);
      },
    }).body;
  }
}

test(
  "app-wide SSE options apply to every route: heartbeats at the app's interval",
  runtimeSkip("sse: app-wide heartbeats at the app's interval"),
  async (t) => {
    const { url, close } = await startApp({ controllers: [QuietController] }, undefined, { sse: { heartbeat: 40 } });
    t.after(close);
    const stream = await openSse(`${url}/quiet`);
    const text = await stream.waitFor((s) => s.split(':\n\n').length >= 4, 3000);
    assert.match(text, /^(:\n\n)+$/);
    stream.close();
  },
);

test(
  'app.close() ends every stream with a retry hint and runs each cancel once, with reason "shutdown"',
  runtimeSkip('sse: app.close() ends every stream with a retry hint'),
  async () => {
    cancels.length = 0;
    const { app, url, close } = await startApp({ controllers: [QuietController] }, undefined, { sse: { shutdownRetry: 200 } });
    const streams = await Promise.all([1, 2, 3].map(() => openSse(`${url}/quiet`)));
    await eventually(() => app.getSseStats().open === 3, 3000, 'three sessions');
    await close();
    await Promise.all(streams.map((s) => s.ended));
    for (const stream of streams) {
      const match = /^retry: (\d+)\n\n$/.exec(stream.text());
      assert.ok(match, JSON.stringify(stream.text()));
      assert.ok(Number(match[1]) >= 200 && Number(match[1]) <= 400, 'the hint has jitter within [base, 2 × base]');
    }
    assert.deepEqual(cancels, ['shutdown', 'shutdown', 'shutdown']);
    assert.equal(app.getSseStats().open, 0);
  },
);
