import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SliceScheduler, type Slice, type SlicedTask } from '#internal/sse/slice-scheduler.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A task of `units` pieces of work that records, per piece, the turn it ran in. */
class Work implements SlicedTask {
  readonly log: number[] = [];
  constructor(
    private units: number,
    private readonly clock: { turn: number },
  ) {}
  run(slice: Slice): boolean {
    while (slice.left > 0 && this.units > 0) {
      slice.left--;
      this.units--;
      this.log.push(this.clock.turn);
    }
    return this.units === 0;
  }
}

/** Counts event-loop turns while the scheduler works, so tests can say in which turn a piece ran. */
function clock(): { turn: number; stop(): void } {
  const state = {
    turn: 0,
    stopped: false,
    stop() {
      state.stopped = true;
    },
  };
  const tick = () => {
    if (state.stopped) return;
    state.turn++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return state;
}

test('nothing runs in the turn that schedules it: a burst written in one turn leaves together', async () => {
  const scheduler = new SliceScheduler(8);
  const ran: string[] = [];
  scheduler.schedule({
    run(slice) {
      slice.left--;
      ran.push('a');
      return true;
    },
  });
  scheduler.schedule({
    run(slice) {
      slice.left--;
      ran.push('b');
      return true;
    },
  });
  assert.deepEqual(ran, []);
  assert.equal(scheduler.waiting, 2);
  await turn();
  assert.deepEqual(ran, ['a', 'b']);
  assert.equal(scheduler.waiting, 0);
});

test('a turn does at most its budget of units, and the rest follows in later turns', async () => {
  const time = clock();
  const scheduler = new SliceScheduler(4);
  const tasks = Array.from({ length: 10 }, () => new Work(1, time));
  for (const task of tasks) scheduler.schedule(task);
  while (scheduler.waiting > 0) await turn();
  time.stop();
  const perTurn = new Map<number, number>();
  for (const task of tasks) perTurn.set(task.log[0]!, (perTurn.get(task.log[0]!) ?? 0) + 1);
  assert.deepEqual([...perTurn.values()], [4, 4, 2], 'ten one-unit tasks take three turns of four');
  assert.deepEqual(
    tasks.map((task) => task.log[0]),
    [...tasks.map((task) => task.log[0])].sort((a, b) => a - b),
    'first come, first served',
  );
});

test('a task that runs out of budget goes to the back of the line, so a big one does not starve the rest', async () => {
  const time = clock();
  const scheduler = new SliceScheduler(4);
  const big = new Work(10, time);
  const small = new Work(1, time);
  scheduler.schedule(big);
  scheduler.schedule(small);
  while (scheduler.waiting > 0) await turn();
  time.stop();
  assert.equal(big.log.length, 10);
  const firstTurn = big.log[0]!;
  assert.deepEqual(big.log.filter((t) => t === firstTurn).length, 4, 'the big task took the whole first turn');
  assert.equal(small.log[0], firstTurn + 1, 'the small one ran at the start of the next turn, before the big one went on');
  assert.equal(big.log.filter((t) => t === firstTurn + 1).length, 3, 'the big one had what was left of that turn');
});

test('a task that throws is logged and dropped; the others run and the queue keeps working', async () => {
  const scheduler = new SliceScheduler(8);
  const ran: string[] = [];
  scheduler.schedule({
    run(slice) {
      slice.left--;
      throw new Error('boom');
    },
  });
  scheduler.schedule({
    run(slice) {
      slice.left--;
      ran.push('after');
      return true;
    },
  });
  await turn();
  assert.deepEqual(ran, ['after']);
  assert.equal(scheduler.waiting, 0);
  scheduler.schedule({
    run(slice) {
      slice.left--;
      ran.push('later');
      return true;
    },
  });
  await turn();
  assert.deepEqual(ran, ['after', 'later']);
});

test('tasks scheduled while a turn runs go after those already waiting', async () => {
  const scheduler = new SliceScheduler(8);
  const ran: string[] = [];
  scheduler.schedule({
    run(slice) {
      slice.left--;
      ran.push('first');
      scheduler.schedule({
        run(s) {
          s.left--;
          ran.push('added');
          return true;
        },
      });
      return true;
    },
  });
  scheduler.schedule({
    run(slice) {
      slice.left--;
      ran.push('second');
      return true;
    },
  });
  await turn();
  assert.deepEqual(ran, ['first', 'second', 'added'], 'within budget, the added task runs in the same turn, last');
});
