// The per-client streams (a getSSEStream() per client) of examples/sse, in Chromium:
// onmessage on /sse, addEventListener('myEvent') on /sse2, and close() running the
// server's cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, getSSEStream, Sse } from 'streamnest';
import { AppController } from '../../examples/sse/app.controller.js';
import { eventually, openBlankPage, openCountingSource, startApp } from './browser.js';

interface Received {
  type: string;
  data: string;
  lastEventId: string;
  origin: string;
  at: number;
}

test('onmessage on /sse receives {"hello":"world"} each second', async (t) => {
  const started = await startApp({ controllers: [AppController] });
  t.after(started.close);
  const page = await openBlankPage(t, started);

  await page.evaluate(() => {
    const w = window as any;
    w.received = [];
    w.source = new EventSource('/sse');
    w.source.onopen = () => {
      w.openedAt = Date.now();
    };
    w.source.onmessage = (e: MessageEvent) => w.received.push({ type: e.type, data: e.data, lastEventId: e.lastEventId, origin: e.origin, at: Date.now() });
  });
  await page.waitForFunction(() => (window as any).received.length >= 3, undefined, { timeout: 8000 });
  const received: Received[] = await page.evaluate(() => (window as any).received);

  for (const message of received) {
    assert.equal(message.type, 'message');
    assert.deepEqual(JSON.parse(message.data), { hello: 'world' });
    assert.equal(message.lastEventId, '');
    assert.equal(message.origin, started.url);
  }
  // One a second, arriving as they are written rather than in a batch: the first
  // and third are about two seconds apart (a wide margin for a busy machine).
  assert.ok(received[2]!.at - received[0]!.at >= 1000, `messages arrived ${received.map((m) => m.at - received[0]!.at).join(', ')} ms apart`);
  // The headers are flushed at once: `open` fires long before the first event, written a second in.
  const openedAt: number = await page.evaluate(() => (window as any).openedAt);
  assert.ok(received[0]!.at - openedAt >= 300, `open fired ${received[0]!.at - openedAt} ms before the first message`);
  assert.equal(await page.evaluate(() => (window as any).source.readyState), 1, 'the EventSource is OPEN');
  assert.equal(started.app.getSseStats().open, 1);
});

test('addEventListener("myEvent") on /sse2 receives ids 1, 2, 3 while onmessage hears nothing', async (t) => {
  const started = await startApp({ controllers: [AppController] });
  t.after(started.close);
  const page = await openBlankPage(t, started);

  await page.evaluate(() => {
    const w = window as any;
    w.named = [];
    w.unnamed = [];
    w.source = new EventSource('/sse2');
    w.source.onmessage = (e: MessageEvent) => w.unnamed.push(e.data);
    w.source.addEventListener('myEvent', (e: MessageEvent) =>
      w.named.push({ type: e.type, data: e.data, lastEventId: e.lastEventId, origin: e.origin, at: Date.now() }),
    );
  });
  await page.waitForFunction(() => (window as any).named.length >= 3, undefined, { timeout: 8000 });
  const { named, unnamed } = await page.evaluate(() => ({ named: (window as any).named as Received[], unnamed: (window as any).unnamed as string[] }));

  assert.deepEqual(
    named.slice(0, 3).map((e) => e.lastEventId),
    ['1', '2', '3'],
  );
  for (const event of named) {
    assert.equal(event.type, 'myEvent');
    assert.deepEqual(JSON.parse(event.data), { hello: 'world' });
  }
  assert.deepEqual(unnamed, [], 'a named event never reaches onmessage');
});

/** A test-only stream that records when its cancel ran. */
const cancels: number[] = [];

@Controller('')
class CancelProbeController {
  @Get('/probe')
  @Sse()
  probe() {
    const { write, body } = getSSEStream({
      cancel() {
        cancels.push(Date.now());
        clearInterval(timer);
      },
    });
    write({ data: 'first' });
    const timer = setInterval(() => write({ data: 'tick' }), 200);
    return body;
  }
}

test("close() in the page runs the server's cancel once, within 1 s", async (t) => {
  const started = await startApp({ controllers: [AppController, CancelProbeController] });
  t.after(started.close);
  const page = await openBlankPage(t, started);
  const stats = () => started.app.getSseStats();

  // The test controller: cancel observed directly.
  await openCountingSource(page, 'probe', '/probe', 2, 5000);
  assert.equal(stats().open, 1);
  assert.equal(cancels.length, 0);

  const closedAt = Date.now();
  await page.evaluate(() => (window as any).probe.close());
  await eventually(() => cancels.length > 0, 1000, 'cancel to run after close()');
  assert.ok(cancels[0]! - closedAt <= 1000, `cancel ran ${cancels[0]! - closedAt} ms after close()`);
  await eventually(() => stats().open === 0, 1000, 'the session to be gone');
  // Give a duplicate cancel every chance to show up (more ticks, the socket's later events).
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(cancels.length, 1, 'cancel runs exactly once');
  assert.equal(await page.evaluate(() => (window as any).probe.readyState), 2, 'the EventSource is CLOSED');

  // The example's own /sse: its session ends within 1 s of close(), so its cancel ran and its interval stopped.
  await openCountingSource(page, 'sse', '/sse', 1, 5000);
  assert.equal(stats().open, 1);
  await page.evaluate(() => (window as any).sse.close());
  await eventually(() => stats().open === 0, 1000, 'the /sse session to end after close()');
  assert.equal(stats().heartbeats.members, 0, 'no heartbeat registration is left behind');
  assert.equal(cancels.length, 1);
});
