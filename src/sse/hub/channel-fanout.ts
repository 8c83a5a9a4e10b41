import type { EncodedEvent } from '../encoded-event.js';
import { scheduler as processScheduler, type Slice, type SlicedTask, type SliceScheduler } from '../slice-scheduler.js';
import { Logger } from '../../common/logger.js';
import { describeThrown } from '../../common/describe.js';
import type { HubEvent } from './transport.js';

export interface Outgoing {
  event: HubEvent;
  bytes: EncodedEvent;
}

const logger = new Logger('SseHub');

/**
 * The subscribers of one channel and the events on their way to them, as a
 * task of the process's scheduler: each subscriber visited is one unit of a
 * turn's budget (its share is sent and written then, one system call), so a
 * channel larger than what is left of a turn is written over several turns. Events go out strictly in order; events that queue up
 * while a fan-out is under way go out together, as one group per subscriber.
 */
export class ChannelFanout<S> implements SlicedTask {
  readonly subscribers = new Set<S>();
  private queue: Outgoing[] = [];
  private group: Outgoing[] = [];
  private cursor: Iterator<S> | undefined;
  private queued = false;

  constructor(
    private readonly send: (subscriber: S, group: readonly Outgoing[]) => void,
    private readonly scheduler: SliceScheduler = processScheduler,
  ) {}

  /** Queues an event for every subscriber; the scheduler writes it from the next turn. */
  push(outgoing: Outgoing): void {
    this.queue.push(outgoing);
    if (this.queued) return;
    this.queued = true;
    this.scheduler.schedule(this);
  }

  run(slice: Slice): boolean {
    while (slice.left > 0) {
      if (!this.cursor) {
        if (this.queue.length === 0) return this.done();
        this.group = this.queue;
        this.queue = [];
        this.cursor = this.subscribers.values();
      }
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = undefined;
        this.groupDone(this.group);
        this.group = [];
        continue;
      }
      slice.left--;
      try {
        this.send(next.value, this.group);
      } catch (error) {
        // One subscriber's failure must neither stop the others nor wedge the channel.
        logger.error('a fan-out write failed; the other subscribers go on', describeThrown(error).stack);
      }
    }
    return this.cursor === undefined && this.queue.length === 0 ? this.done() : false;
  }

  /**
   * A group has been written to every subscriber. Nothing to do here: the
   * timed fan-out (timed-fanout.ts) measures it, so a hub without metrics
   * pays no test for them.
   */
  protected groupDone(_group: readonly Outgoing[]): void {}

  private done(): true {
    this.queued = false;
    return true;
  }
}
