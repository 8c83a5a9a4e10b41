import { encodeComment } from './encode.js';
import { EncodedEvent } from './encoded-event.js';

/** The keep-alive comment, encoded once; a metered output tells heartbeats from events by this identity. */
export const HEARTBEAT = EncodedEvent.of(encodeComment());

/** Something that can be kept alive by a periodic tick. */
export interface Beating {
  beat(): void;
}

/**
 * One timer per distinct heartbeat interval, shared by every stream that uses
 * it, instead of one timer per connection. Timers are unref'd so they never
 * keep the process alive, and stop when their last stream leaves.
 */
export class HeartbeatScheduler {
  private readonly groups = new Map<number, { members: Set<Beating>; timer: NodeJS.Timeout }>();

  add(interval: number, member: Beating): void {
    let group = this.groups.get(interval);
    if (!group) {
      const members = new Set<Beating>();
      const timer = setInterval(() => {
        for (const m of members) m.beat();
      }, interval);
      timer.unref();
      this.groups.set(interval, (group = { members, timer }));
    }
    group.members.add(member);
  }

  remove(interval: number, member: Beating): void {
    const group = this.groups.get(interval);
    if (!group) return;
    group.members.delete(member);
    if (group.members.size === 0) {
      clearInterval(group.timer);
      this.groups.delete(interval);
    }
  }

  /** How many streams and timers are registered: for stats and leak checks. */
  stats(): { members: number; timers: number } {
    let members = 0;
    for (const group of this.groups.values()) members += group.members.size;
    return { members, timers: this.groups.size };
  }
}
