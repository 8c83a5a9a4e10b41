import { Errors } from '../../errors.js';
import { ChannelHistory } from './channel-history.js';
import type { HubEvent, Replay, SseTransport } from './transport.js';

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
  /** The newest sequence number evicted from a channel that was since forgotten. */
  private forgottenUpTo = 0;
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
    if (!history) this.histories.set(channel, history = new ChannelHistory(this.maxEvents, this.maxAgeMs));
    history.push(seq, event, Date.now());
    this.deliver?.(event);
    return event.id;
  }

  async replay(channels: readonly string[], lastEventId: string): Promise<Replay> {
    const seq = this.parse(lastEventId);
    if (seq === undefined) return { events: [], complete: false };
    const now = Date.now();
    const found: Array<{ seq: number; event: HubEvent }> = [];
    let complete = true;
    for (const channel of channels) {
      const history = this.histories.get(channel);
      if (!history) {
        if (this.forgottenUpTo > seq) complete = false;
        continue;
      }
      history.trim(now);
      if (history.evictedUpTo > seq) complete = false;
      found.push(...history.after(seq));
    }
    found.sort((a, b) => a.seq - b.seq);
    return { events: found.map((f) => f.event), complete };
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
      this.forgottenUpTo = Math.max(this.forgottenUpTo, history.evictedUpTo);
      this.histories.delete(channel);
    }
  }
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw Errors.INVALID_HUB_OPTION(name, `must be a non-negative integer, got ${String(value)}`);
  return value;
}
