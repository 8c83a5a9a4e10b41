import type { SharedEvent } from '../shared-event.js';
import { Logger } from '../../common/logger.js';
import { describeThrown } from '../../common/describe.js';
import type { HubSubscription } from './hub-subscription.js';
import type { HubEvent } from './transport.js';

export interface Outgoing { event: HubEvent; bytes: SharedEvent }

/**
 * At most this many subscribers are written per event-loop turn, so one huge
 * channel never stalls everything else. Each costs one system call (a group of
 * events goes out corked), so the slice bounds the time of a turn.
 */
export const FANOUT_SLICE = 1024;

const logger = new Logger('SseHub');

/**
 * The subscribers of one channel and the events on their way to them. Events
 * go out strictly in order. Events that queue up while a fan-out is under way
 * go out together, so each subscriber gets them in one corked write. A channel
 * larger than one slice is written over several turns of the event loop.
 */
export class ChannelFanout {
  readonly subscribers = new Set<HubSubscription>();
  private queue: Outgoing[] = [];
  private group: Outgoing[] = [];
  private cursor: Iterator<HubSubscription> | undefined;
  private scheduled = false;

  constructor(private readonly send: (subscription: HubSubscription, group: readonly Outgoing[]) => void) {}

  /** Queues an event; small channels are written at once, within this call. */
  push(outgoing: Outgoing): void {
    this.queue.push(outgoing);
    if (!this.cursor && !this.scheduled) this.run();
  }

  private run(): void {
    this.scheduled = false;
    let budget = FANOUT_SLICE;
    while (budget > 0) {
      if (!this.cursor) {
        if (this.queue.length === 0) return;
        this.group = this.queue;
        this.queue = [];
        this.cursor = this.subscribers.values();
      }
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = undefined;
        continue;
      }
      try {
        this.send(next.value, this.group);
      } catch (error) {
        // One subscriber's failure must neither stop the others nor wedge the channel.
        logger.error('a fan-out write failed; the other subscribers go on', describeThrown(error).stack);
      }
      budget--;
    }
    this.scheduled = true;
    setImmediate(() => this.run());
  }
}
