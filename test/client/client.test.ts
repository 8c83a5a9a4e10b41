// streamnest/client in Node (global fetch) against real streamnest apps on
// 127.0.0.1: events parsed and typed, a POST with a body and a token, the
// server's retry, refusals that end the client and those it retries, abort
// and close, the async iterator, and its backpressure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, SseClientError, type ClientEvent, type SseClient } from 'streamnest/client';
import { eventually } from '../support/sse-reader.js';
import { count, newLog, startClientApp, type TypedEvents } from './client-app.js';

async function app(t: import('node:test').TestContext) {
  const log = newLog();
  const started = await startClientApp(log);
  t.after(started.close);
  return { log, ...started };
}

/** Closes the client when the test ends, whatever happened. */
function track<C>(t: import('node:test').TestContext, client: SseClient<C>): SseClient<C> {
  t.after(() => client.close());
  return client;
}

/** The first error the client reports. */
const firstError = (client: SseClient<any>) => new Promise<SseClientError>((resolve) => client.onError(resolve));

test('events arrive parsed (JSON when it parses, else the text), each with its name and the last id', async (t) => {
  const { url, log } = await app(t);
  const client = track(t, createClient<TypedEvents>(`${url}/typed`));
  const seen: Array<{ event: string; data: unknown; id: string }> = [];
  const opened: number[] = [];
  client.onOpen(() => opened.push(client.readyState));
  client.on('progress', (data, event) => seen.push({ event: event.event, data: data.percent, id: event.id }));
  client.on('message', (data, event) => seen.push({ event: event.event, data, id: event.id }));
  const done = new Promise<{ ok: boolean }>((resolve) => client.on('done', resolve));
  assert.equal(client.readyState, 0);
  assert.deepEqual(await done, { ok: true });
  assert.deepEqual(seen, [
    { event: 'progress', data: 10, id: '1' },
    { event: 'progress', data: 60, id: '2' },
    { event: 'message', data: 'plain text', id: '2' },
    { event: 'message', data: 42, id: '2' },
  ]);
  assert.deepEqual(opened, [1]);
  assert.equal(client.readyState, 1);
  assert.equal(client.lastEventId, '3');
  client.close();
  assert.equal(client.readyState, 2);
  await eventually(() => log.cancels.includes('/typed'), 5000, 'the server to see the stream cancelled');
  assert.equal(log.requests[0]!.lastEventId, undefined, 'a first connection carries no Last-Event-ID');
});

test('parse: false keeps the text; a parse function gets the text and the event name', async (t) => {
  const { url } = await app(t);
  const raw = track(t, createClient(`${url}/typed`, { parse: false }));
  const texts: unknown[] = [];
  raw.on('progress', (data) => texts.push(data));
  await new Promise((resolve) => raw.on('done', resolve));
  assert.deepEqual(texts, ['{"percent":10}', '{"percent":60}']);

  const custom = track(t, createClient(`${url}/typed`, { parse: (text, event) => `${event}:${text.length}` }));
  const parsed = await new Promise((resolve) => custom.on('done', resolve));
  assert.equal(parsed, 'done:11');
});

test('a listener that throws breaks neither the stream nor the other listeners; the throw is reported, not lost', async (t) => {
  const { url } = await app(t);
  // The runner fails a test on an uncaught exception: hear them here instead, for this test only.
  const thrown: unknown[] = [];
  const runners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', (error) => thrown.push(error));
  t.after(() => {
    process.removeAllListeners('uncaughtException');
    for (const listener of runners) process.on('uncaughtException', listener);
  });
  const client = track(t, createClient<TypedEvents>(`${url}/typed`));
  const percents: number[] = [];
  client.on('progress', () => {
    throw new Error('listener bug');
  });
  client.on('progress', (data) => percents.push(data.percent));
  await new Promise((resolve) => client.on('done', resolve));
  assert.deepEqual(percents, [10, 60]);
  await eventually(() => thrown.length === 2, 2000, 'both throws to be reported');
  assert.match(String(thrown[0]), /listener bug/);
  assert.equal(client.readyState, 1, 'still open');
});

test('off() and the function on() returns stop a listener', async (t) => {
  const { url } = await app(t);
  const client = track(t, createClient<TypedEvents>(`${url}/typed`));
  const a: number[] = [];
  const b: number[] = [];
  const listenerA = (data: { percent: number }) => a.push(data.percent);
  client.on('progress', listenerA);
  const stopB = client.on('progress', (data) => {
    b.push(data.percent);
    stopB();
  });
  client.off('progress', listenerA);
  await new Promise((resolve) => client.on('done', resolve));
  assert.deepEqual(a, []);
  assert.deepEqual(b, [10]);
});

test('POST with a JSON body and an Authorization header; a 201 event stream is taken', async (t) => {
  const { url, log } = await app(t);
  const client = track(
    t,
    createClient<{ echo: { method: string; body: unknown; authorization: string | null } }>(`${url}/echo`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret-token', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hi' }),
      retry: false,
    }),
  );
  const echo = await new Promise((resolve) => client.on('echo', resolve));
  assert.deepEqual(echo, { method: 'POST', body: { prompt: 'hi' }, authorization: 'Bearer secret-token' });
  // retry: false: the stream's end is the client's end, and nothing is sent again.
  await eventually(() => client.readyState === 2, 5000, 'the client to close when the stream ends');
  await sleep(200);
  assert.equal(count(log, '/echo'), 1);
});

test('headers as a function are read again for each attempt (a fresh token on reconnect)', async (t) => {
  const { url, log } = await app(t);
  let calls = 0;
  const client = track(t, createClient(`${url}/ends`, { headers: async () => ({ authorization: `Bearer token-${++calls}` }), retry: { initial: 20 } }));
  await eventually(() => count(log, '/ends') >= 3, 5000, 'three attempts');
  client.close();
  assert.deepEqual(
    log.requests.slice(0, 3).map((r) => [r.authorization, r.lastEventId]),
    [
      ['Bearer token-1', undefined],
      ['Bearer token-2', '1'],
      ['Bearer token-3', '2'],
    ],
  );
});

test("the server's retry: sets the wait before reconnecting, far below the client's own initial", async (t) => {
  const { url, log } = await app(t);
  const client = track(t, createClient(`${url}/retry-then-end`, { retry: { initial: 60_000, jitter: 0 } }));
  const ns: number[] = [];
  client.on('message', (data) => ns.push((data as { n: number }).n));
  // With the client's own 60 s, a second request within the test would not come.
  await eventually(() => ns.length >= 3, 10_000, 'two reconnects at the server retry');
  client.close();
  const [first, second, third] = log.requests.filter((r) => r.path === '/retry-then-end');
  assert.deepEqual([first!.lastEventId, second!.lastEventId, third!.lastEventId], [undefined, '1', '2']);
  // Never sooner than the server asked (timers may round down by a millisecond).
  assert.ok(second!.at - first!.at >= 295, `reconnected after ${second!.at - first!.at} ms`);
  assert.ok(third!.at - second!.at >= 295, `reconnected after ${third!.at - second!.at} ms`);
  assert.deepEqual(ns.slice(0, 3), [1, 2, 3]);
});

for (const status of [401, 403, 404, 400, 410]) {
  test(`HTTP ${status}: one request, one error with the status, the client closed, no reconnect`, async (t) => {
    const { url, log } = await app(t);
    const client = track(t, createClient(`${url}/status/${status}`, { retry: { initial: 10, max: 10 } }));
    const errors: SseClientError[] = [];
    client.onError((error) => errors.push(error));
    await eventually(() => errors.length > 0, 5000, 'the error');
    assert.ok(errors[0] instanceof SseClientError);
    assert.equal(errors[0]!.code, 'http-status');
    assert.equal(errors[0]!.status, status);
    assert.equal(errors[0]!.name, 'SseClientError');
    assert.match(errors[0]!.message, new RegExp(`HTTP ${status}`));
    assert.equal(client.readyState, 2);
    // With a 10 ms retry, a client that retried would have come back many times by now.
    await sleep(300);
    assert.equal(count(log, `/status/${status}`), 1);
    assert.equal(errors.length, 1);
  });
}

test('a 200 that is not text/event-stream: a content-type error, the client closed, no reconnect', async (t) => {
  const { url, log } = await app(t);
  const client = track(t, createClient(`${url}/text`, { retry: { initial: 10 } }));
  const error = await firstError(client);
  assert.equal(error.code, 'content-type');
  assert.equal(error.status, 200);
  assert.match(error.message, /text\/plain/);
  assert.equal(client.readyState, 2);
  await sleep(300);
  assert.equal(count(log, '/text'), 1);
});

test('5xx, 408 and 429 are retried with backoff, each attempt reported; the client stays CONNECTING', async (t) => {
  const { url, log } = await app(t);
  for (const status of [500, 503, 408, 429]) {
    const client = track(t, createClient(`${url}/status/${status}`, { retry: { initial: 20, max: 40 } }));
    const errors: SseClientError[] = [];
    client.onError((error) => errors.push(error));
    await eventually(() => count(log, `/status/${status}`) >= 3, 5000, `three attempts at ${status}`);
    client.close();
    assert.ok(errors.length >= 2);
    assert.ok(errors.every((e) => e.code === 'http-status' && e.status === status));
  }
});

test('backoff: waits between failed attempts grow by the factor, from the initial wait, up to the cap', async (t) => {
  const { url, log } = await app(t);
  const client = track(t, createClient(`${url}/status/503`, { retry: { initial: 40, factor: 2, max: 160, jitter: 0 } }));
  await eventually(() => count(log, '/status/503') >= 6, 10_000, 'six attempts');
  client.close();
  const at = log.requests.filter((r) => r.path === '/status/503').map((r) => r.at);
  const gaps = at.slice(1).map((time, i) => time - at[i]!);
  // Lower bounds only: a timer never fires early (but for rounding), a busy machine makes any wait longer.
  const expected = [40, 80, 160, 160, 160];
  for (const [i, least] of expected.entries()) assert.ok(gaps[i]! >= least - 5, `gap ${i} was ${gaps[i]} ms, expected at least ${least}: ${gaps}`);
});

test('429 and 503 with Retry-After: the client waits at least that long', async (t) => {
  const { url, log } = await app(t);
  for (const status of [429, 503]) {
    const path = `/status/${status}`;
    const client = track(t, createClient(`${url}${path}?retryAfter=1`, { retry: { initial: 10, max: 10 } }));
    await eventually(() => count(log, path) >= 2, 10_000, `a second attempt at ${status}`);
    client.close();
    const [first, second] = log.requests.filter((r) => r.path === path);
    assert.ok(second!.at - first!.at >= 995, `${status}: came back after ${second!.at - first!.at} ms, Retry-After said 1 s`);
    log.requests.length = 0;
  }
});

test('a network failure (nothing listening) is retried with backoff and reported with code network', async (t) => {
  const { url, close } = await app(t);
  await close();
  const client = track(t, createClient(`${url}/ticks`, { retry: { initial: 20, max: 40 } }));
  const errors: SseClientError[] = [];
  client.onError((error) => errors.push(error));
  await eventually(() => errors.length >= 3, 5000, 'three failed attempts');
  client.close();
  assert.ok(errors.every((e) => e.code === 'network' && e.status === undefined && e.cause !== undefined));
  assert.equal(client.readyState, 2);
});

test('204 stops the client quietly: no error, no reconnect, iterators end', async (t) => {
  const { url, log } = await app(t);
  const client = track(t, createClient(`${url}/status/204`, { retry: { initial: 10 } }));
  const errors: unknown[] = [];
  client.onError((error) => errors.push(error));
  const events: unknown[] = [];
  for await (const event of client) events.push(event);
  assert.deepEqual(events, []);
  assert.deepEqual(errors, []);
  assert.equal(client.readyState, 2);
  await sleep(200);
  assert.equal(count(log, '/status/204'), 1);
});

test('abort: the request ends, the server sees the cancel, and nothing is sent again', async (t) => {
  const { url, log } = await app(t);
  const abort = new AbortController();
  const client = track(t, createClient(`${url}/ticks`, { signal: abort.signal, retry: { initial: 10 } }));
  await new Promise((resolve) => client.on('tick', resolve));
  abort.abort();
  assert.equal(client.readyState, 2);
  await eventually(() => log.cancels.includes('/ticks'), 5000, 'the server to see the cancel');
  await sleep(300);
  assert.equal(count(log, '/ticks'), 1);
});

test('an aborted signal at creation: no request at all', async (t) => {
  const { url, log } = await app(t);
  const client = createClient(`${url}/ticks`, { signal: AbortSignal.abort() });
  assert.equal(client.readyState, 2);
  const events: unknown[] = [];
  for await (const event of client) events.push(event);
  assert.deepEqual(events, []);
  await sleep(200);
  assert.equal(count(log, '/ticks'), 0);
});

test('close() while waiting to reconnect: the pending attempt never happens', async (t) => {
  const { url, log } = await app(t);
  const client = track(t, createClient(`${url}/status/503`, { retry: { initial: 300, jitter: 0 } }));
  await firstError(client);
  assert.equal(client.readyState, 0, 'waiting to reconnect');
  client.close();
  await sleep(600);
  assert.equal(count(log, '/status/503'), 1);
});

test('the async iterator yields typed events in order; break closes the stream', async (t) => {
  const { url, log } = await app(t);
  const client = createClient<{ tick: { n: number } }>(`${url}/ticks`);
  const got: Array<ClientEvent<{ tick: { n: number } }, 'tick'>> = [];
  for await (const event of client) {
    if (event.event !== 'tick') continue;
    got.push(event);
    if (event.data.n === 3) break;
  }
  assert.deepEqual(
    got.map((e) => [e.event, e.data.n, e.id]),
    [
      ['tick', 1, '1'],
      ['tick', 2, '2'],
      ['tick', 3, '3'],
    ],
  );
  assert.equal(client.readyState, 2);
  await eventually(() => log.cancels.includes('/ticks'), 5000, 'the server to see the cancel');
  await sleep(200);
  assert.equal(count(log, '/ticks'), 1);
});

test('the async iterator: next() called again before the last settled gets the following events, in order; return() ends a waiting next()', async (t) => {
  const { url } = await app(t);
  const client = createClient<{ tick: { n: number } }>(`${url}/ticks`);
  const iterator = client[Symbol.asyncIterator]();
  const results = await Promise.all([iterator.next(), iterator.next(), iterator.next()]);
  assert.deepEqual(
    results.map((r) => (r.value?.event === 'tick' ? r.value.data.n : r.value)),
    [1, 2, 3],
  );
  const waiting = iterator.next();
  const stopped = iterator.return!();
  assert.deepEqual(await stopped, { done: true, value: undefined });
  const last = await waiting;
  // Either the tick that was already on its way, or the end: never a hang.
  assert.ok(last.done || last.value?.event === 'tick');
  assert.equal(client.readyState, 2);
});

test('the async iterator throws the error the client gives up on', async (t) => {
  const { url } = await app(t);
  const client = createClient(`${url}/status/401`);
  await assert.rejects(
    async () => {
      for await (const _ of client) assert.fail('no event expected');
    },
    (error: unknown) => error instanceof SseClientError && error.status === 401,
  );
});

test('backpressure: while an iterator is behind, the client stops reading; it reads on as the loop takes events', async (t) => {
  const { url } = await app(t);
  const N = 3000;
  const client = track(t, createClient<{ tick: { n: number } }>(`${url}/burst?n=${N}`));
  let dispatched = 0;
  client.on('tick', () => dispatched++);
  const iterator = client[Symbol.asyncIterator]();
  await eventually(() => dispatched >= 100, 5000, 'the first events');
  // All N are on the wire within milliseconds; a client that read on would have dispatched them all.
  await sleep(300);
  assert.ok(dispatched < N, `dispatched ${dispatched} of ${N} while the loop took none`);
  const ns: number[] = [];
  while (ns.length < N) {
    const { value } = await iterator.next();
    if (value?.event === 'tick') ns.push(value.data.n);
  }
  assert.deepEqual(
    ns,
    Array.from({ length: N }, (_, i) => i + 1),
  );
  assert.equal(dispatched, N);
});

test('the last id: given as an option, sent on the first attempt, replaced by what the stream sends', async (t) => {
  const { url, log } = await app(t);
  const client = track(t, createClient<{ tick: { n: number } }>(`${url}/ticks`, { lastEventId: '41' }));
  const first = await new Promise<number>((resolve) => client.on('tick', (data) => resolve(data.n)));
  assert.equal(first, 42);
  assert.equal(log.requests[0]!.lastEventId, '41');
  assert.equal(client.lastEventId, '42');
});

test('persist is a no-op where there is no storage (Node): nothing throws', async (t) => {
  const { url } = await app(t);
  const client = track(t, createClient<{ tick: { n: number } }>(`${url}/ticks`, { persist: 'localStorage', lastEventId: '5' }));
  const first = await new Promise<number>((resolve) => client.on('tick', (data) => resolve(data.n)));
  assert.equal(first, 6);
});

test('the EventSource transport refuses what EventSource cannot send, with code option', () => {
  for (const options of [{ method: 'POST' }, { headers: { authorization: 'Bearer x' } }, { body: 'x' }]) {
    assert.throws(
      () => createClient('http://127.0.0.1:1/x', { transport: 'eventsource', ...options }),
      (error: unknown) => error instanceof SseClientError && error.code === 'option' && /fetch/.test(error.message),
    );
  }
});

test('a custom fetch is used for every attempt', async (t) => {
  const { url } = await app(t);
  const seen: string[] = [];
  const client = track(
    t,
    createClient(`${url}/ends`, {
      retry: { initial: 10 },
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    }),
  );
  await eventually(() => seen.length >= 2, 5000, 'two attempts through the custom fetch');
  client.close();
  assert.ok(seen.every((u) => u === `${url}/ends`));
});

test('a server that never ends its event: past maxEventLength the attempt fails with code network, the buffer bounded, and the client reconnects', async (t) => {
  // A hostile or broken server: one data line that never ends, sent in pieces.
  const attempts: number[] = [];
  const server = createServer((_req, res) => {
    attempts.push(Date.now());
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: ');
    const timer = setInterval(() => res.write('x'.repeat(500)), 5);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const errors: SseClientError[] = [];
  const client = createClient(`http://127.0.0.1:${port}/`, { maxEventLength: 4_000, retry: { initial: 20, max: 40 } });
  t.after(() => client.close());
  client.onError((error) => errors.push(error));
  await eventually(() => errors.length >= 2, 5000, 'two attempts cut at the bound');
  client.close();
  server.closeAllConnections();
  assert.equal(errors[0]!.code, 'network');
  assert.match(errors[0]!.message, /an event longer than 4000 characters/);
  assert.ok(attempts.length >= 2, 'the client reconnected after the bound');
});
