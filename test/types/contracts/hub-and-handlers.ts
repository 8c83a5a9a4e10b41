// Type-level proof for the hub's typed view and for handlers that return
// Observables or AsyncIterables of a contract's events.
import { from, type Observable } from 'rxjs';
import { z } from 'zod';
import {
  Controller,
  defineEvents,
  Sse,
  SseHub,
  SseModule,
  typed,
  type ContractEvent,
  type EventsOf,
  type HubSubscription,
  type PublishEvent,
  type StandardSchemaV1,
  type TypedHub,
} from 'streamnest';

const Jobs = defineEvents({ progress: z.object({ pct: z.number() }), done: typed<{ ok: boolean }>() }, { validate: true });
type JobEvents = EventsOf<typeof Jobs>;
type JobEvent = ContractEvent<JobEvents>;

declare const hub: SseHub;
const jobs: TypedHub<JobEvents> = hub.typed(Jobs);
const checked = hub.typed(Jobs, { validate: false });

async function publishing(): Promise<string> {
  await jobs.publish('jobs:1', { event: 'progress', data: { pct: 10 } });
  await checked.publish('jobs:1', { event: 'done', data: { ok: true } });
  // @ts-expect-error an event the contract does not name
  await jobs.publish('jobs:1', { event: 'cancelled', data: {} });
  // @ts-expect-error a payload of the wrong type
  await jobs.publish('jobs:1', { event: 'progress', data: { pct: 'ten' } });
  // @ts-expect-error the payload of another event
  await jobs.publish('jobs:1', { event: 'done', data: { pct: 10 } });
  // @ts-expect-error a typed view's events are named
  await jobs.publish('jobs:1', { data: { pct: 10 } });
  const message: PublishEvent<JobEvents> = { event: 'done', data: { ok: false } };
  // An event typed as a stream writes it (ContractEvent, with its optional id and retry) publishes too.
  const written: JobEvent = { event: 'progress', data: { pct: 3 } };
  await jobs.publish('jobs:1', written);
  // @ts-expect-error the hub assigns ids: a literal with one is refused
  await jobs.publish('jobs:1', { event: 'done', data: { ok: true }, id: 4 });
  // The untyped hub is as it was.
  await hub.publish('news', { data: { anything: true }, event: 'whatever' });
  return jobs.publish('jobs:2', message);
}
const subscription: HubSubscription = jobs.subscribe(['jobs:1', 'jobs:2'], { lastEventId: '5' });

// Hub channels declared with their contracts, for the AsyncAPI document.
SseModule.forRoot({ channels: { 'jobs:{id}': Jobs } });
// @ts-expect-error a channel's contract is made by defineEvents
SseModule.forRoot({ channels: { 'jobs:{id}': { progress: 'number' } } });

@Controller('jobs')
export class JobsController {
  // Handlers type their events with the contract; a wrong one does not compile.
  @Sse(':id', { events: Jobs })
  watch(): Observable<JobEvent> {
    return from<JobEvent[]>([
      { event: 'progress', data: { pct: 1 } },
      { event: 'done', data: { ok: true } },
    ]);
  }

  @Sse('wrong-name', { events: Jobs })
  wrongName(): Observable<JobEvent> {
    // @ts-expect-error an Observable of events the contract does not name
    return from<JobEvent[]>([{ event: 'started', data: { pct: 1 } }]);
  }

  @Sse('wrong-data', { events: Jobs, validate: true, heartbeat: 5000, description: 'typed' })
  wrongData(): Observable<JobEvent> {
    // @ts-expect-error an Observable of wrong payloads
    return from<JobEvent[]>([{ event: 'progress', data: { pct: '1' } }]);
  }

  @Sse('iterated', { events: Jobs })
  async *iterated(): AsyncGenerator<JobEvent> {
    yield { event: 'progress', data: { pct: 1 } };
    // @ts-expect-error an iterator of the wrong payload
    yield { event: 'done', data: { ok: 1 } };
  }

  @Sse('subscribed', { events: Jobs })
  subscribed(): HubSubscription {
    return jobs.subscribe('jobs:1');
  }

  // @ts-expect-error @Sse's events is a contract
  @Sse('not-a-contract', { events: { progress: 'number' } })
  notAContract() {}
}

// A Standard Schema written by hand, with no library: the contract reads its output type.
const evenNumber: StandardSchemaV1<unknown, number> = {
  '~standard': {
    version: 1,
    vendor: 'hand-written',
    validate: (value) => (typeof value === 'number' && value % 2 === 0 ? { value } : { issues: [{ message: 'not an even number' }] }),
  },
};
const Counter = defineEvents({ tick: evenNumber });
hub.typed(Counter).publish('counter', { event: 'tick', data: 2 });
// @ts-expect-error the hand-written schema's output is a number
hub.typed(Counter).publish('counter', { event: 'tick', data: '2' });

// EventsOf reads the map from a contract, or takes a map as it is.
const direct: EventsOf<{ a: number }> = { a: 1 };
// @ts-expect-error
const directWrong: EventsOf<{ a: number }> = { a: '1' };

export { publishing, subscription, direct, directWrong };
