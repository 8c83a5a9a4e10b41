import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Controller, defineEvents, LastEventId, Param, Sse, SseHub, SseModule, StreamnestError, typed } from 'streamnest';
import { SseTestClient } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { eventually } from '../support/sse-reader.js';

/**
 * The hub seen through a contract: `hub.typed(contract)` publishes only the
 * contract's events, and, when it validates, refuses a wrong one before the
 * transport stores anything, so no subscriber and no replay ever sees it.
 */

const Jobs = defineEvents({ progress: z.object({ pct: z.number().int().min(0).max(100) }), done: typed<{ ok: boolean }>() });

@Controller('jobs')
class JobsController {
  constructor(private readonly hub: SseHub) {}

  @Sse(':id', { events: Jobs, heartbeat: false })
  watch(@Param('id') id: string, @LastEventId() lastEventId?: string) {
    return this.hub.typed(Jobs).subscribe(`jobs:${id}`, { lastEventId });
  }
}

async function rejection(promise: Promise<unknown>): Promise<StreamnestError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StreamnestError, String(error));
    return error;
  }
  return assert.fail('expected a rejection');
}

test('a validating typed hub stores and delivers the right events, and refuses a wrong one before the transport sees it', async (t) => {
  const { app, url, close } = await startApp({ imports: [SseModule.forRoot()], controllers: [JobsController] });
  t.after(close);
  const hub = app.get(SseHub);
  const jobs = hub.typed(Jobs, { validate: true });
  assert.equal(jobs.contract, Jobs);

  const client = await SseTestClient.connect(`${url}/jobs/7`);
  t.after(() => client.close());
  await eventually(() => hub.stats().subscribers === 1, 3000, 'the subscriber');
  const first = await jobs.publish('jobs:7', { event: 'progress', data: { pct: 40 } });

  const wrong = await rejection(jobs.publish('jobs:7', { event: 'progress', data: { pct: 40.5 } }));
  assert.equal(wrong.code, 'SN_ERR_SSE_EVENT_INVALID');
  assert.ok(wrong instanceof TypeError);
  assert.match(wrong.message, /hub\.publish to channel "jobs:7": event "progress" does not match its contract: at pct: .*expected int/);
  const unknown = await rejection(jobs.publish('jobs:7', { event: 'cancelled', data: {} } as never));
  assert.match(unknown.message, /event "cancelled".*the contract names "progress", "done"/);
  assert.equal(hub.stats().published, 1, 'nothing wrong reached the transport');

  await jobs.publish('jobs:7', { event: 'done', data: { ok: true } });
  const live = await client.take(2);
  assert.deepEqual(
    live.map((e) => [e.type, e.data]),
    [
      ['progress', '{"pct":40}'],
      ['done', '{"ok":true}'],
    ],
  );
  // A resume replays the history: the refused events were never in it.
  const resumed = await SseTestClient.connect(`${url}/jobs/7`, { lastEventId: first });
  t.after(() => resumed.close());
  assert.deepEqual(
    (await resumed.take(1)).map((e) => [e.type, e.data]),
    [['done', '{"ok":true}']],
  );
});

test('a typed hub checks as its contract says unless told otherwise; unchecked, it publishes as the hub does', async (t) => {
  const { app, close } = await startApp({ imports: [SseModule.forRoot()] });
  t.after(close);
  const hub = app.get(SseHub);
  const Checked = defineEvents({ tick: z.number() }, { validate: true });
  const refused = await rejection(hub.typed(Checked).publish('ticks', { event: 'tick', data: 'one' as never }));
  assert.equal(refused.code, 'SN_ERR_SSE_EVENT_INVALID');
  await hub.typed(Checked, { validate: false }).publish('ticks', { event: 'tick', data: 'one' as never });
  await hub.typed(Jobs).publish('ticks', { event: 'nope', data: 1 } as never);
  assert.equal(hub.stats().published, 2);
  // The hub's own checks still apply to a typed publish.
  const field = await rejection(hub.typed(Jobs).publish('bad\nchannel', { event: 'done', data: { ok: true } }));
  assert.equal(field.code, 'SN_ERR_INVALID_CHANNEL');
  assert.equal((await rejection(Promise.resolve().then(() => hub.typed({ schemas: {} } as never)))).code, 'SN_ERR_INVALID_EVENT_CONTRACT');
});

test('declared hub channels: kept by pattern for the AsyncAPI document, and checked at start-up', async (t) => {
  const { app, close } = await startApp({ imports: [SseModule.forRoot({ channels: { 'jobs:{id}': Jobs, news: Jobs } })] });
  t.after(close);
  assert.deepEqual([...app.get(SseHub).declaredChannels.keys()], ['jobs:{id}', 'news']);
  for (const [channels, says] of [
    [{ 'jobs:{id}': { progress: 'number' } }, /channels\["jobs:\{id\}"\].*defineEvents/],
    [{ 'a\nb': Jobs }, /not a channel name/],
    [[Jobs], /channel pattern -> contract/],
  ] as const) {
    const error = await rejection(startApp({ imports: [SseModule.forRoot({ channels: channels as never })] }));
    assert.ok(['SN_ERR_INVALID_EVENT_CONTRACT', 'SN_ERR_INVALID_HUB_OPTION'].includes(error.code), error.code);
    assert.match(error.message, says);
  }
});
