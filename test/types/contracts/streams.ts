// Type-level proof for typed streams: every `@ts-expect-error` line must be an error
// (TypeScript reports an unused one), and everything else must compile.
import { z } from 'zod';
import { defineEvents, getSSEStream, typed, type ContractEvent, type EventContract, type EventsOf, type SSEStream } from 'streamnest';

export const Progress = defineEvents({
  progress: z.object({ pct: z.number().min(0).max(100), label: z.string().optional() }),
  log: z.string(),
  done: typed<{ ok: boolean; at: number }>(),
});
type Events = EventsOf<typeof Progress>;

// The event map is the schemas' output types, and typed<T>()'s T.
const map: Events = { progress: { pct: 5 }, log: 'text', done: { ok: true, at: 1 } };
// @ts-expect-error a zod-typed field has its zod type
const wrongMap: Events = { progress: { pct: '5' }, log: 'text', done: { ok: true, at: 1 } };
const contract: EventContract<Events> = Progress;

const stream = getSSEStream({ events: Progress, cancel() {} });
stream.write({ event: 'progress', data: { pct: 50 } });
stream.write({ event: 'progress', data: { pct: 50, label: 'half' }, id: 7, retry: 1000 });
stream.write({ event: 'log', data: 'a line' });
stream.write({ event: 'done', data: { ok: true, at: Date.now() } });
const written: boolean = stream.write({ event: 'done', data: { ok: false, at: 0 } });
const body: ReadableStream<Uint8Array> = stream.body;
stream.end();

// @ts-expect-error an event the contract does not name
stream.write({ event: 'progres', data: { pct: 50 } });
// @ts-expect-error a payload of the wrong type
stream.write({ event: 'progress', data: { pct: '50' } });
// @ts-expect-error a payload missing a required field
stream.write({ event: 'progress', data: {} });
// @ts-expect-error the payload of another event
stream.write({ event: 'done', data: { pct: 50 } });
// @ts-expect-error a string event's data is a string
stream.write({ event: 'log', data: 42 });
// @ts-expect-error a typed<T>() event's data is T
stream.write({ event: 'done', data: { ok: 'yes', at: 0 } });
// @ts-expect-error no event name: a typed stream's events are named
stream.write({ data: { pct: 50 } });
// @ts-expect-error a comment alone is not one of the contract's events
stream.write({ comment: 'keep-alive' });

// A destructured write keeps its type.
const { write } = getSSEStream({ events: Progress, validate: true });
write({ event: 'log', data: 'ok' });
// @ts-expect-error destructured, still typed
write({ event: 'log', data: { text: 'no' } });

// ContractEvent is the union of the contract's events.
const one: ContractEvent<Events> = { event: 'progress', data: { pct: 1 } };
// @ts-expect-error the union does not mix one event's name with another's data
const mixed: ContractEvent<Events> = { event: 'log', data: { pct: 1 } };
const typedStream: SSEStream<ContractEvent<Events>> = getSSEStream({ events: Progress });

// Without a contract, getSSEStream is as it was: any SSEMessageEvent.
const plain = getSSEStream();
plain.write({ data: 'anything', event: 'whatever', id: 1 });
plain.write({ comment: 'keep-alive' });
plain.write({ retry: 1000 });
getSSEStream({ cancel() {} }).write({ data: { any: 'shape' } });
// @ts-expect-error even untyped, an id is a string or a number
plain.write({ data: 'x', id: true });
// @ts-expect-error validate is a boolean
getSSEStream({ events: Progress, validate: 'yes' });

// A contract of typed<T>() only.
const Chat = defineEvents({ message: typed<{ from: string; text: string }>(), typing: typed<{ from: string }>() });
getSSEStream({ events: Chat }).write({ event: 'typing', data: { from: 'ann' } });
// @ts-expect-error
getSSEStream({ events: Chat }).write({ event: 'typing', data: { from: 1 } });

// defineEvents takes only Standard Schemas and typed<T>().
// @ts-expect-error a number is no schema
defineEvents({ progress: 42 });
// @ts-expect-error a plain object is no schema
defineEvents({ progress: { pct: 'number' } });

export { map, wrongMap, contract, written, body, one, mixed, typedStream };
