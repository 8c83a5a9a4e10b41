import { Errors } from '../../errors.js';
import { ChannelHistory } from './channel-history.js';
import type { HubEvent, Replay, SseTransport } from './transport.js';

const FORGOTTEN_LIMIT = 10_000;

export interface MemoryTransportOptions {
  /** Events kept per channel for replay. Default 1 000. */
  maxEvents?: number;
  /** How long an event stays replayable, in ms. Default 5 minutes. */
  maxAgeMs?: number;
}

/**
 * The default, embedded transport: one process, no backend. Ids are
 * `<incarnation>-<sequence>`, so an id from before a restart is recognised as
 * unknown (and the client gets `reset`) instead of being misread.
 */
export class MemoryTransport implements SseTransport {
  private readonly histories = new Map<string, ChannelHistory>();
  private readonly incarnation = Date.now().toString(36);
  private seq = 0;
  /**
   * What emptied channels had evicted, kept after their history is dropped so a
   * late replay still knows it cannot be exact. Bounded: past the limit, the
   * oldest entries fold into one conservative floor.
   */
  private readonly forgotten = new Map<string, number>();
  private forgottenFloor = 0;
  private deliver: ((event: HubEvent) => void) | undefined;
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: MemoryTransportOptions = {}) {
    this.maxEvents = checkCount('maxEvents', options.maxEvents ?? 1000);
    this.maxAgeMs = checkCount('maxAgeMs', options.maxAgeMs ?? 5 * 60_000);
  }

  async start(deliver: (event: HubEvent) => void): Promise<void> {
    this.deliver = deliver;
    // Age trimming runs on one timer for all channels; empty channels are forgotten so the map cannot grow without bound.
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.maxAgeMs, 10_000));
    this.sweeper.unref();
  }

  async append(channel: string, message: { event?: string; data: string }): Promise<string> {
    const seq = ++this.seq;
    const event: HubEvent = { id: `${this.incarnation}-${seq}`, channel, event: message.event, data: message.data };
    let history = this.histories.get(channel);
    if (!history) {
      history = new ChannelHistory(this.maxEvents, this.maxAgeMs);
      history.evictedUpTo = this.evictedBefore(channel);
      this.forgotten.delete(channel);
      this.histories.set(channel, history);
    }
    history.push(seq, event, Date.now());
    this.deliver?.(event);
    return event.id;
  }

  async replay(channels: readonly string[], after: string, limit: number): Promise<Replay> {
    const seq = this.parse(after);
    if (seq === undefined) return { events: [], complete: false };
    const now = Date.now();
    const found: Array<{ seq: number; event: HubEvent }> = [];
    let complete = true;
    for (const channel of channels) {
      const history = this.histories.get(channel);
      history?.trim(now);
      if ((history?.evictedUpTo ?? this.evictedBefore(channel)) > seq) complete = false;
      if (history) found.push(...history.after(seq, limit));
    }
    found.sort((a, b) => a.seq - b.seq);
    return { events: found.slice(0, limit).map((f) => f.event), complete };
  }

  compare(a: string, b: string): number {
    return (this.parse(a) ?? 0) - (this.parse(b) ?? 0);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.deliver = undefined;
  }

  /** The sequence number of one of our ids, or undefined for an id we never issued. */
  private parse(id: string): number | undefined {
    const dash = id.lastIndexOf('-');
    if (dash < 0 || id.slice(0, dash) !== this.incarnation) return undefined;
    const seq = Number(id.slice(dash + 1));
    return Number.isSafeInteger(seq) && seq >= 0 && seq <= this.seq ? seq : undefined;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [channel, history] of this.histories) {
      history.trim(now);
      if (history.length > 0) continue;
      this.histories.delete(channel);
      this.forgotten.set(channel, history.evictedUpTo);
      if (this.forgotten.size > FORGOTTEN_LIMIT) {
        const [oldest, upTo] = this.forgotten.entries().next().value as [string, number];
        this.forgotten.delete(oldest);
        this.forgottenFloor = Math.max(this.forgottenFloor, upTo);
      }
    }
  }

  private evictedBefore(channel: string): number {
    return this.forgotten.get(channel) ?? this.forgottenFloor;
  }
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw Errors.INVALID_HUB_OPTION(name, `must be a non-negative integer, got ${String(value)}`);
  return value;
}
