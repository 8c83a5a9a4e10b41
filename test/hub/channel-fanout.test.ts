import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelFanout, type Outgoing } from '#internal/sse/hub/channel-fanout.js';
import { SliceScheduler } from '#internal/sse/slice-scheduler.js';
import { EncodedEvent } from '#internal/sse/encoded-event.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

function outgoing(id: string): Outgoing {
  return { event: { id, channel: 'c', data: id }, bytes: EncodedEvent.of(`id: ${id}\ndata: ${id}\n\n`) };
}

/** A fan-out whose subscribers are names, recording each group they get. */
function fanout(units: number, subscribers: string[]) {
  const scheduler = new SliceScheduler(units);
  const got = new Map<string, string[][]>();
  const channel = new ChannelFanout<string>((name, group) => {
    got.set(name, [...(got.get(name) ?? []), group.map((o) => o.event.id)]);
  }, scheduler);
  for (const name of subscribers) channel.subscribers.add(name);
  return { channel, scheduler, got };
}

async function settle(scheduler: SliceScheduler): Promise<number> {
  let turns = 0;
  while (scheduler.waiting > 0) {
    await turn();
    turns++;
  }
  return turns;
}

test('every subscriber gets every event, in order', async () => {
  const { channel, scheduler, got } = fanout(1024, ['a', 'b', 'c']);
  channel.push(outgoing('1'));
  await settle(scheduler);
  channel.push(outgoing('2'));
  await settle(scheduler);
  for (const name of ['a', 'b', 'c']) assert.deepEqual(got.get(name), [['1'], ['2']]);
});

test('events pushed in one turn go to each subscriber as one group', async () => {
  const { channel, scheduler, got } = fanout(1024, ['a', 'b']);
  channel.push(outgoing('1'));
  channel.push(outgoing('2'));
  channel.push(outgoing('3'));
  await settle(scheduler);
  assert.deepEqual(got.get('a'), [['1', '2', '3']]);
  assert.deepEqual(got.get('b'), [['1', '2', '3']]);
});

test('a channel larger than a turn is written over several turns; events pushed meanwhile follow as the next group', async () => {
  const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
  const { channel, scheduler, got } = fanout(4, names);
  channel.push(outgoing('1'));
  await turn();
  assert.equal(got.size, 4, 'one turn reached four subscribers');
  channel.push(outgoing('2'));
  channel.push(outgoing('3'));
  const turns = await settle(scheduler);
  assert.ok(turns >= 4, `ten subscribers, two groups, four per turn: ${turns} more turns`);
  for (const name of names) assert.deepEqual(got.get(name), [['1'], ['2', '3']], `${name} got both groups, in order`);
});

test('a subscriber that throws is logged; the others still get the event and the channel keeps working', async () => {
  const scheduler = new SliceScheduler(1024);
  const got: string[] = [];
  const channel = new ChannelFanout<string>((name, group) => {
    if (name === 'bad') throw new Error('write failed');
    got.push(`${name}:${group[0]!.event.id}`);
  }, scheduler);
  for (const name of ['a', 'bad', 'b']) channel.subscribers.add(name);
  channel.push(outgoing('1'));
  await settle(scheduler);
  channel.push(outgoing('2'));
  await settle(scheduler);
  assert.deepEqual(got, ['a:1', 'b:1', 'a:2', 'b:2']);
});

test('a subscriber that leaves mid-fan-out gets nothing more; one that joins gets the events still going out', async () => {
  const names = Array.from({ length: 8 }, (_, i) => `s${i}`);
  const { channel, scheduler, got } = fanout(4, names);
  channel.push(outgoing('1'));
  await turn();
  channel.subscribers.delete('s7');
  channel.subscribers.add('late');
  await settle(scheduler);
  assert.equal(got.get('s7'), undefined);
  assert.deepEqual(got.get('late'), [['1']]);
});

test('an idle channel holds no place in the scheduler', async () => {
  const { channel, scheduler } = fanout(1024, ['a']);
  channel.push(outgoing('1'));
  assert.equal(scheduler.waiting, 1);
  channel.push(outgoing('2'));
  assert.equal(scheduler.waiting, 1, 'queued once, however many events wait');
  await settle(scheduler);
  assert.equal(scheduler.waiting, 0);
  channel.push(outgoing('3'));
  assert.equal(scheduler.waiting, 1, 'queued again once it has something to do');
});
