import type { HubEvent } from './transport.js';

/**
 * The retained events of one channel: a ring bounded by count, trimmed by age
 * as well. It remembers the newest sequence number it has evicted, which is
 * how a replay knows whether it can be exact.
 */
export class ChannelHistory {
  private readonly ring: Array<{ seq: number; at: number; event: HubEvent } | undefined>;
  private start = 0;
  private size = 0;
  /** The highest sequence number no longer retained (0: nothing lost yet). */
  evictedUpTo = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxAgeMs: number,
  ) {
    this.ring = new Array(maxEvents);
  }

  get length(): number {
    return this.size;
  }

  push(seq: number, event: HubEvent, now: number): void {
    if (this.maxEvents === 0) {
      this.evictedUpTo = seq;
      return;
    }
    if (this.size === this.maxEvents) this.shift();
    this.ring[(this.start + this.size) % this.maxEvents] = { seq, at: now, event };
    this.size++;
  }

  /** Drops events older than the age limit. */
  trim(now: number): void {
    while (this.size > 0 && now - this.ring[this.start]!.at > this.maxAgeMs) this.shift();
  }

  /** At most `limit` retained events with a sequence number above `seq`, oldest first. */
  after(seq: number, limit: number): Array<{ seq: number; event: HubEvent }> {
    const out = [];
    for (let i = this.firstAfter(seq); i < this.size && out.length < limit; i++) out.push(this.at(i));
    return out;
  }

  private at(i: number): { seq: number; at: number; event: HubEvent } {
    return this.ring[(this.start + i) % this.maxEvents]!;
  }

  /** The position of the oldest retained event above `seq`: a binary search, since sequence numbers only grow. */
  private firstAfter(seq: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid).seq <= seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private shift(): void {
    this.evictedUpTo = this.ring[this.start]!.seq;
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.maxEvents;
    this.size--;
  }
}
