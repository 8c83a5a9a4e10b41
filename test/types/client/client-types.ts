// What the client's types allow and refuse. Each @ts-expect-error line must be an
// error: test/client/types.test.ts runs tsc on this project, which fails if one
// is not (an unused @ts-expect-error is itself an error).
import { createClient, type ClientEvent, type SseClientError } from 'streamnest/client';
import type { jobContract } from './contract.js';

const client = createClient<typeof jobContract>('/jobs/7/events');

// The contract's events, each with its own data.
client.on('progress', (data, event) => {
  const percent: number = data.percent;
  const label: string | undefined = data.label;
  const name: 'progress' = event.event;
  const id: string = event.id;
  // @ts-expect-error: percent is a number, not a string
  data.percent.toUpperCase();
  // @ts-expect-error: the contract gives progress no such field
  data.total;
  return [percent, label, name, id];
});
client.on('done', (data) => {
  const ok: boolean = data.ok;
  // @ts-expect-error: done's data has no percent
  data.percent;
  return ok;
});

// @ts-expect-error: not an event of the contract (a typo)
client.on('progres', () => {});
// @ts-expect-error: a listener written for another event's data
client.on('done', (data: { percent: number }) => data);
// @ts-expect-error: off() checks names too
client.off('finished', () => {});

// The hub's own notices come with every contract.
client.onReset((data, event) => {
  const reason: string = data.reason;
  const name: 'reset' = event.event;
  return [reason, name];
});
client.on('expired', (data) => data.reason.length);
client.onError((error: SseClientError) => {
  const code: 'http-status' | 'content-type' | 'network' | 'option' = error.code;
  const status: number | undefined = error.status;
  return [code, status];
});

// @ts-expect-error: readyState is read-only
client.readyState = 1;
// @ts-expect-error: so is lastEventId
client.lastEventId = '3';

async function iterate() {
  for await (const event of client) {
    // @ts-expect-error: data is a union until the event name is checked
    event.data.percent;
    if (event.event === 'progress') {
      const percent: number = event.data.percent;
      // @ts-expect-error: progress has no ok
      event.data.ok;
      return percent;
    }
    if (event.event === 'done') return event.data.ok;
    if (event.event === 'reset') return event.data.reason;
    // @ts-expect-error: no event of this stream is named so
    if (event.event === 'nope') return;
  }
  return undefined;
}

// One event type, by name.
const progressEvent: ClientEvent<typeof jobContract, 'progress'> = { event: 'progress', data: { percent: 5 }, id: '1' };
// @ts-expect-error: a progress event's data is progress data
const wrongEvent: ClientEvent<typeof jobContract, 'progress'> = { event: 'progress', data: { ok: true }, id: '1' };

// A plain map of event names to data types works as a contract too.
const ticks = createClient<{ tick: { n: number } }>('/ticks');
ticks.on('tick', (data) => data.n.toFixed());
// @ts-expect-error: not in the map
ticks.on('tock', () => {});

// No contract: any name, and data is unknown until checked.
const loose = createClient('/anything');
loose.on('whatever', (data) => {
  // @ts-expect-error: unknown data must be narrowed first
  data.foo;
  return typeof data === 'string' ? data.length : 0;
});

// Options.
const abort = new AbortController();
createClient('/chat', {
  method: 'POST',
  headers: async () => ({ authorization: 'Bearer t' }),
  body: JSON.stringify({ prompt: 'hi' }),
  signal: abort.signal,
  retry: { initial: 500, max: 10_000, factor: 2, jitter: 0.2 },
  persist: 'localStorage',
  parse: (text, event) => (event === 'token' ? text : JSON.parse(text)),
  transport: 'auto',
});
createClient('/x', { retry: false, persist: 'my-key', parse: false, events: ['a', 'b'] });
// @ts-expect-error: not a transport
createClient('/x', { transport: 'websocket' });
// @ts-expect-error: retry is options or false, not true
createClient('/x', { retry: true });
// @ts-expect-error: jitter is a number
createClient('/x', { retry: { jitter: 'some' } });

export { iterate, progressEvent, wrongEvent };
