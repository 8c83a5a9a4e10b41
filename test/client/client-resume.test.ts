// streamnest/client resuming on the hub: after a server restart on the same port
// it comes back with Last-Event-ID and gets exactly what it missed (the memory
// transport outlives the first app); when the history cannot give that, it hears
// the hub's `reset`; an authorization that runs out ends in `expired`, and the
// client carries on with a fresh token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryTransport } from 'streamnest';
import { createClient, type ClientEvent } from 'streamnest/client';
import { eventually } from '../support/sse-reader.js';
import { newLog, startClientApp, type ClientTestApp } from './client-app.js';

interface News {
  headline: { n: number };
}

const publish = (app: ClientTestApp, n: number) => app.hub.publish('news', { event: 'headline', data: { n } });

test('after a stop and a restart on the same port, the client resumes with Last-Event-ID: every event once, in order', async (t) => {
  const transport = new MemoryTransport();
  const log = newLog();
  const first = await startClientApp(log, { transport });
  t.after(first.close);
  const client = createClient<News>(`${first.url}/news`, { retry: { initial: 50, max: 200 } });
  t.after(() => client.close());
  const got: Array<{ n: number; id: string }> = [];
  const resets: unknown[] = [];
  const errors: string[] = [];
  let opens = 0;
  client.on('headline', (data, event) => got.push({ n: data.n, id: event.id }));
  client.onReset((data) => resets.push(data));
  client.onError((error) => errors.push(error.code));
  client.onOpen(() => opens++);
  await eventually(() => opens === 1, 5000, 'the stream to open');
  for (const n of [1, 2, 3]) await publish(first, n);
  await eventually(() => got.length === 3, 5000, 'three live events');
  const idAtStop = client.lastEventId;

  // Stop: the stream ends (with the shutdown's retry hint), then the port refuses.
  await first.close();
  // Published while no server runs: kept by the transport, which the next app reads.
  for (const n of [4, 5]) await transport.append('news', { event: 'headline', data: JSON.stringify({ n }) });
  await eventually(() => errors.includes('network'), 5000, 'an attempt to fail while the server is down');
  assert.equal(client.readyState, 0, 'still trying');

  const second = await startClientApp(log, { transport, port: first.port });
  t.after(second.close);
  await eventually(() => got.length === 5, 10_000, 'the missed events, replayed');
  await publish(second, 6);
  await eventually(() => got.length === 6, 5000, 'a live event after the restart');

  assert.deepEqual(
    got.map((e) => e.n),
    [1, 2, 3, 4, 5, 6],
  );
  assert.equal(new Set(got.map((e) => e.id)).size, 6, 'six distinct ids');
  const newsRequests = log.requests.filter((r) => r.path === '/news');
  assert.equal(newsRequests.length, 2, 'one request to each app (the failed attempts never reached a server)');
  assert.equal(newsRequests[0]!.lastEventId, undefined);
  assert.equal(newsRequests[1]!.lastEventId, idAtStop, 'the reconnect carried the last id seen before the stop');
  assert.deepEqual(resets, []);
  assert.equal(opens, 2);
  assert.equal(client.lastEventId, got[5]!.id);
});

test('a restart that lost the history (a new memory transport): the client hears reset, then live events', async (t) => {
  const log = newLog();
  const first = await startClientApp(log);
  t.after(first.close);
  const client = createClient<News>(`${first.url}/news`, { retry: { initial: 50, max: 200 } });
  t.after(() => client.close());
  const got: number[] = [];
  const resets: Array<{ reason: string }> = [];
  client.on('headline', (data) => got.push(data.n));
  client.onReset((data, event) => {
    assert.equal(event.event, 'reset');
    resets.push(data);
  });
  await new Promise<void>((resolve) => client.onOpen(resolve));
  await publish(first, 1);
  await eventually(() => got.length === 1, 5000, 'a live event');
  await first.close();

  const second = await startClientApp(log, { port: first.port });
  t.after(second.close);
  await eventually(() => resets.length === 1, 10_000, 'reset after the restart');
  assert.deepEqual(resets, [{ reason: 'history-unavailable' }]);
  await publish(second, 2);
  await eventually(() => got.length === 2, 5000, 'a live event after the reset');
  assert.deepEqual(got, [1, 2]);
});

test('an id the history never held: reset, as its own callback and in the iterator', async (t) => {
  const log = newLog();
  const started = await startClientApp(log);
  t.after(started.close);
  const client = createClient<News>(`${started.url}/news`, { lastEventId: 'not-one-of-ours-7' });
  const viaCallback = new Promise((resolve) => client.onReset(resolve));
  const events: Array<ClientEvent<News>> = [];
  for await (const event of client) {
    events.push(event);
    if (event.event === 'reset') await publish(started, 9);
    if (event.event === 'headline') break;
  }
  assert.deepEqual(await viaCallback, { reason: 'history-unavailable' });
  assert.deepEqual(
    events.map((e) => [e.event, e.data]),
    [
      ['reset', { reason: 'history-unavailable' }],
      ['headline', { n: 9 }],
    ],
  );
  assert.equal(log.requests[0]!.lastEventId, 'not-one-of-ours-7');
});

test('expired: the stream ends after the notice, and the client comes back with a fresh token and Last-Event-ID', async (t) => {
  const log = newLog();
  const started = await startClientApp(log);
  t.after(started.close);
  let token = 0;
  const client = createClient<News>(`${started.url}/news-expiring?ttl=400`, {
    headers: () => ({ authorization: `Bearer ${++token}` }),
    retry: { initial: 50 },
  });
  t.after(() => client.close());
  const expired: unknown[] = [];
  const got: number[] = [];
  client.on('expired', (data) => expired.push(data));
  client.on('headline', (data) => got.push(data.n));
  await new Promise<void>((resolve) => client.onOpen(resolve));
  await publish(started, 1);
  await eventually(() => expired.length >= 1, 5000, 'the expired notice');
  // Published between the end and the reconnect: replayed by Last-Event-ID.
  await publish(started, 2);
  await eventually(() => got.length >= 2, 5000, 'the event published meanwhile');
  client.close();
  assert.deepEqual(expired[0], { reason: 'authorization-expired' });
  assert.deepEqual(got.slice(0, 2), [1, 2]);
  const requests = log.requests.filter((r) => r.path === '/news-expiring');
  assert.deepEqual(
    requests.slice(0, 2).map((r) => r.authorization),
    ['Bearer 1', 'Bearer 2'],
  );
  assert.ok(requests[1]!.lastEventId, 'the reconnect carried the last id');
});
