import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayGate } from '#internal/sse/hub/replay-gate.js';

const always = () => true;

/** Tracks which turns have been given: a turn's promise has resolved once the microtasks queued so far have run. */
function tracked(gate: ReplayGate) {
  const given: string[] = [];
  const enter = (name: string, queueFull: 'refuse' | 'wait' = 'wait', wanted = always): boolean => {
    const turn = gate.enter(queueFull, wanted);
    if (!turn) return false;
    void turn.then(() => given.push(name));
    return true;
  };
  return { given, enter };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('replay gate: up to `concurrency` replays read at once; the next waits', async () => {
  const gate = new ReplayGate(2, 10);
  const { given, enter } = tracked(gate);
  enter('a');
  enter('b');
  enter('c');
  await settle();
  assert.deepEqual(given, ['a', 'b']);
  assert.deepEqual(gate.stats(), { reading: 2, waiting: 1 });
  gate.leave();
  await settle();
  assert.deepEqual(given, ['a', 'b', 'c'], 'a turn given back goes to the waiting replay');
  assert.deepEqual(gate.stats(), { reading: 2, waiting: 0 });
});

test('replay gate: waiting replays get their turn first come, first served', async () => {
  const gate = new ReplayGate(1, 10);
  const { given, enter } = tracked(gate);
  for (const name of ['a', 'b', 'c', 'd']) enter(name);
  for (let turn = 0; turn < 3; turn++) {
    await settle();
    assert.equal(given.length, turn + 1, 'one turn at a time');
    gate.leave();
  }
  await settle();
  assert.deepEqual(given, ['a', 'b', 'c', 'd']);
});

test('replay gate: a turn given back with nobody waiting frees a place for the next replay at once', async () => {
  const gate = new ReplayGate(1, 10);
  const { given, enter } = tracked(gate);
  enter('a');
  gate.leave();
  assert.deepEqual(gate.stats(), { reading: 0, waiting: 0 });
  enter('b');
  await settle();
  assert.deepEqual(given, ['a', 'b']);
  assert.deepEqual(gate.stats(), { reading: 1, waiting: 0 });
});

test('replay gate: a first page is refused when the queue is full; a replay under way queues anyway', async () => {
  const gate = new ReplayGate(1, 2);
  const { given, enter } = tracked(gate);
  assert.equal(enter('reading', 'refuse'), true);
  assert.equal(enter('first', 'refuse'), true);
  assert.equal(enter('second', 'refuse'), true);
  assert.equal(enter('refused', 'refuse'), false, 'two are waiting already');
  assert.deepEqual(gate.stats(), { reading: 1, waiting: 2 });
  assert.equal(enter('under way', 'wait'), true, 'a replay already under way must be able to finish');
  assert.deepEqual(gate.stats(), { reading: 1, waiting: 3 });
  for (let i = 0; i < 3; i++) gate.leave();
  await settle();
  assert.deepEqual(given, ['reading', 'first', 'second', 'under way']);
});

test('replay gate: with no room to wait, a first page gets a free turn or nothing', () => {
  const gate = new ReplayGate(1, 0);
  assert.ok(gate.enter('refuse', always), 'a free turn is given even when nobody may wait');
  assert.equal(gate.enter('refuse', always), undefined);
  assert.deepEqual(gate.stats(), { reading: 1, waiting: 0 });
});

test('replay gate: clients that left while waiting hold no place in a full queue', async () => {
  const gate = new ReplayGate(1, 2);
  const { given, enter } = tracked(gate);
  let left = false;
  enter('reading');
  enter('left', 'refuse', () => !left);
  enter('staying', 'refuse');
  left = true;
  assert.equal(enter('newcomer', 'refuse'), true, 'the place of the client that left is free');
  assert.deepEqual(gate.stats(), { reading: 1, waiting: 2 });
  assert.equal(enter('refused', 'refuse'), false, 'the queue is full of clients still there');
  gate.leave();
  gate.leave();
  await settle();
  assert.deepEqual(given, ['reading', 'staying', 'newcomer'], 'order kept among those still waiting');
});

test('replay gate: a turn skips waiters no longer wanted, asked when the turn comes, not when they queued', async () => {
  const gate = new ReplayGate(1, 10);
  const { given, enter } = tracked(gate);
  const gone = new Set<string>();
  const wanted = (name: string) => () => !gone.has(name);
  enter('a');
  for (const name of ['b', 'c', 'd']) enter(name, 'wait', wanted(name));
  gone.add('b');
  gone.add('c');
  gate.leave();
  await settle();
  assert.deepEqual(given, ['a', 'd']);
  assert.deepEqual(gate.stats(), { reading: 1, waiting: 0 }, 'the turn passed to d; b and c are gone from the queue');
});

test('replay gate: when every waiter is gone, the turn given back frees its place', async () => {
  const gate = new ReplayGate(1, 10);
  const { given, enter } = tracked(gate);
  enter('a');
  enter('b', 'wait', () => false);
  enter('c', 'wait', () => false);
  gate.leave();
  await settle();
  assert.deepEqual(given, ['a']);
  assert.deepEqual(gate.stats(), { reading: 0, waiting: 0 });
});

test('replay gate: replays of many pages never read more than `concurrency` at once, and all finish', async () => {
  const gate = new ReplayGate(3, 100);
  let reading = 0;
  let most = 0;
  const replay = async (pages: number) => {
    for (let page = 0; page < pages; page++) {
      const turn = gate.enter(page === 0 ? 'refuse' : 'wait', always);
      assert.ok(turn, 'the queue never fills here');
      await turn;
      reading++;
      most = Math.max(most, reading);
      await new Promise((resolve) => setTimeout(resolve, 1 + (page % 3)));
      reading--;
      gate.leave();
    }
    return pages;
  };
  const done = await Promise.all(Array.from({ length: 20 }, (_, i) => replay(1 + (i % 4))));
  assert.equal(done.length, 20);
  assert.equal(most, 3);
  assert.deepEqual(gate.stats(), { reading: 0, waiting: 0 });
});
