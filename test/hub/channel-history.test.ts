import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelHistory } from '#internal/sse/hub/channel-history.js';
import type { HubEvent } from '#internal/sse/hub/transport.js';

// ChannelHistory takes the time as an argument, so ages are exact numbers here rather than sleeps.

const eventFor = (seq: number): HubEvent => ({ id: `test-${seq}`, channel: 'news', data: `event ${seq}` });

/** A history holding `seqs`, each pushed at time 0 unless `times` gives its time. */
function historyOf(maxEvents: number, maxAgeMs: number, seqs: number[], times: number[] = []): ChannelHistory {
  const history = new ChannelHistory(maxEvents, maxAgeMs);
  for (const [i, seq] of seqs.entries()) history.push(seq, eventFor(seq), times[i] ?? 0);
  return history;
}

const seqsAfter = (history: ChannelHistory, seq: number, limit = Infinity) => history.after(seq, limit).map((entry) => entry.seq);

test('channel history: keeps what it is given, oldest first, each event the very object pushed', () => {
  const events = [1, 2, 3].map(eventFor);
  const history = new ChannelHistory(10, 60_000);
  for (const event of events) history.push(Number(event.id.slice('test-'.length)), event, 0);
  assert.equal(history.length, 3);
  const kept = history.after(0, 10);
  assert.deepEqual(
    kept.map((entry) => entry.seq),
    [1, 2, 3],
  );
  for (const [i, entry] of kept.entries()) assert.equal(entry.event, events[i], 'not a copy');
  assert.equal(history.evictedUpTo, 0, 'nothing lost yet');
});

test('channel history: bounded by count, the oldest events go first and evictedUpTo names the newest one gone', () => {
  const history = historyOf(3, 60_000, [1, 2, 3, 4, 5]);
  assert.equal(history.length, 3);
  assert.deepEqual(seqsAfter(history, 0), [3, 4, 5]);
  assert.equal(history.evictedUpTo, 2);
});

test('channel history: after(seq) gives the events above seq, whether seq is retained, evicted, a gap or beyond the newest', () => {
  // A channel's sequence numbers have gaps: the transport numbers the events of every channel in one sequence.
  const history = historyOf(3, 60_000, [2, 5, 9, 12]);
  assert.equal(history.evictedUpTo, 2);
  assert.deepEqual(seqsAfter(history, 5), [9, 12], 'a retained id: what follows it');
  assert.deepEqual(seqsAfter(history, 6), [9, 12], "an id between two retained ones (another channel's event)");
  assert.deepEqual(seqsAfter(history, 4), [5, 9, 12]);
  assert.deepEqual(seqsAfter(history, 2), [5, 9, 12], 'an evicted id: all that is retained (evictedUpTo tells the replay it is not exact)');
  assert.deepEqual(seqsAfter(history, 0), [5, 9, 12]);
  assert.deepEqual(seqsAfter(history, 12), [], 'the newest id: nothing missed');
  assert.deepEqual(seqsAfter(history, 1000), [], 'an id beyond the newest');
});

test('channel history: after() returns at most `limit` events, the oldest ones', () => {
  const history = historyOf(10, 60_000, [1, 2, 3, 4, 5]);
  assert.deepEqual(seqsAfter(history, 1, 2), [2, 3]);
  assert.deepEqual(seqsAfter(history, 4, 2), [5]);
  assert.deepEqual(seqsAfter(history, 0, 0), []);
});

test('channel history: lookups are right wherever the ring has wrapped to', () => {
  // Every fill level and start position of a ring of 4, every id asked about: against a plain list's answer.
  for (let pushed = 0; pushed <= 13; pushed++) {
    const seqs = Array.from({ length: pushed }, (_, i) => 3 * (i + 1));
    const history = historyOf(4, 60_000, seqs);
    const retained = seqs.slice(-4);
    assert.equal(history.length, retained.length);
    assert.equal(history.evictedUpTo, seqs.length > 4 ? seqs[seqs.length - 5]! : 0);
    for (let asked = 0; asked <= 3 * pushed + 1; asked++) {
      assert.deepEqual(
        seqsAfter(history, asked),
        retained.filter((seq) => seq > asked),
        `${pushed} pushed, after ${asked}`,
      );
      assert.deepEqual(seqsAfter(history, asked, 2), retained.filter((seq) => seq > asked).slice(0, 2), `${pushed} pushed, after ${asked}, two at most`);
    }
  }
});

test('channel history: trim(now) drops the events older than the age limit, an event exactly that old stays', () => {
  const history = historyOf(10, 100, [1, 2, 3], [0, 50, 120]);
  history.trim(100);
  assert.deepEqual(seqsAfter(history, 0), [1, 2, 3], 'the first event is exactly 100 ms old: still retained');
  history.trim(150);
  assert.deepEqual(seqsAfter(history, 0), [2, 3]);
  assert.equal(history.evictedUpTo, 1);
  history.trim(151);
  assert.deepEqual(seqsAfter(history, 0), [3]);
  assert.equal(history.evictedUpTo, 2);
  history.trim(1000);
  assert.equal(history.length, 0);
  assert.equal(history.evictedUpTo, 3, 'the history knows it reaches back to nothing now');
  assert.deepEqual(seqsAfter(history, 0), []);
  history.trim(2000);
  assert.equal(history.evictedUpTo, 3, 'trimming an empty history changes nothing');
});

test('channel history: with an age limit of 0, only events pushed at the same millisecond survive a trim', () => {
  const history = historyOf(10, 0, [1, 2], [5, 6]);
  history.trim(6);
  assert.deepEqual(seqsAfter(history, 0), [2]);
  assert.equal(history.evictedUpTo, 1);
});

test('channel history: the count and the age bound together, and the ring keeps working after an age trim', () => {
  const history = historyOf(3, 100, [1, 2, 3, 4], [0, 10, 20, 200]);
  assert.deepEqual(seqsAfter(history, 0), [2, 3, 4], 'the count bound took 1');
  history.trim(200);
  assert.deepEqual(seqsAfter(history, 0), [4], 'the age bound took 2 and 3');
  assert.equal(history.evictedUpTo, 3);
  history.push(5, eventFor(5), 210);
  history.push(6, eventFor(6), 220);
  history.push(7, eventFor(7), 230);
  assert.deepEqual(seqsAfter(history, 0), [5, 6, 7]);
  assert.deepEqual(seqsAfter(history, 5), [6, 7]);
  assert.equal(history.evictedUpTo, 4);
});

test('channel history: a limit of 0 events keeps nothing but still records what it lost', () => {
  const history = historyOf(0, 60_000, [4, 7]);
  assert.equal(history.length, 0);
  assert.deepEqual(seqsAfter(history, 0), []);
  assert.equal(history.evictedUpTo, 7, 'a replay from before 7 cannot be exact');
  history.trim(1_000_000);
  assert.equal(history.evictedUpTo, 7);
});

test('channel history: an evictedUpTo set from outside (a channel forgotten before) stands until an eviction passes it', () => {
  const history = new ChannelHistory(2, 60_000);
  history.evictedUpTo = 10;
  history.push(11, eventFor(11), 0);
  history.push(12, eventFor(12), 0);
  assert.equal(history.evictedUpTo, 10);
  history.push(13, eventFor(13), 0);
  assert.equal(history.evictedUpTo, 11);
});
