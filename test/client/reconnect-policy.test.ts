// The client's waits, computed with a chosen random: the server's retry first, then
// exponential backoff from the larger of it and `initial`, capped, with jitter added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY, reconnectDelay, retryAfterMs } from '#internal/client/reconnect-policy.js';

const policy = { initial: 100, max: 1000, factor: 2, jitter: 0.5 };
const waits = (base: number, random: number, attempts = 7) => Array.from({ length: attempts }, (_, n) => reconnectDelay(base, n, policy, () => random));

test('backoff: base first, then doubling from the larger of base and initial, capped at max', () => {
  assert.deepEqual(waits(100, 0), [100, 200, 400, 800, 1000, 1000, 1000]);
  // The server's retry (300) is the first wait and the floor the backoff grows from.
  assert.deepEqual(waits(300, 0), [300, 600, 1000, 1000, 1000, 1000, 1000]);
  // retry: 0 is honoured once (EventSource does), but failures still back off.
  assert.deepEqual(waits(0, 0), [0, 200, 400, 800, 1000, 1000, 1000]);
  // A server asking for more than max is honoured, and never shortened by the cap.
  assert.deepEqual(waits(5000, 0, 3), [5000, 5000, 5000]);
});

test('jitter: adds up to `jitter` of the wait, never takes any away', () => {
  assert.deepEqual(waits(100, 1), [150, 300, 600, 1200, 1500, 1500, 1500]);
  assert.deepEqual(waits(100, 0.5), [125, 250, 500, 1000, 1250, 1250, 1250]);
  for (let i = 0; i < 1000; i++) {
    const wait = reconnectDelay(100, 3, policy);
    assert.ok(wait >= 800 && wait < 1200, String(wait));
  }
  assert.equal(reconnectDelay(100, 3, { ...policy, jitter: 0 }), 800);
});

test('defaults: 1 s, doubling, 30 s cap, 30 % jitter; no wait overflows setTimeout', () => {
  assert.deepEqual(DEFAULT_RETRY, { initial: 1000, max: 30_000, factor: 2, jitter: 0.3 });
  assert.equal(
    reconnectDelay(1000, 10, DEFAULT_RETRY, () => 0),
    30_000,
  );
  // setTimeout fires at once past 2^31-1 ms: a huge retry from the server must not become a tight loop.
  assert.equal(
    reconnectDelay(10 ** 12, 0, DEFAULT_RETRY, () => 0),
    2 ** 31 - 1,
  );
});

test('Retry-After: seconds or an HTTP date, in ms; absent, past or unreadable is 0', () => {
  const now = Date.UTC(2030, 0, 1, 0, 0, 0);
  assert.equal(retryAfterMs('3', now), 3000);
  assert.equal(retryAfterMs(new Date(now + 5000).toUTCString(), now), 5000);
  assert.equal(retryAfterMs(new Date(now - 5000).toUTCString(), now), 0);
  assert.equal(retryAfterMs(null, now), 0);
  assert.equal(retryAfterMs('soon', now), 0);
  assert.equal(retryAfterMs('-4', now), 0);
});
