import { ChannelFanout, type Outgoing } from './channel-fanout.js';

interface TimedOutgoing extends Outgoing {
  /** When the event reached this hub (performance.now()). */
  at: number;
}

/**
 * A channel's fan-out that reports, for every event, the seconds from its
 * arrival at the hub to its write to the last local subscriber: one
 * measurement per event and channel, never per subscriber. The hub makes
 * its channels of this kind only once a listener asked for it, so a hub
 * without metrics keeps the plain fan-out.
 */
export class TimedFanout<S> extends ChannelFanout<S> {
  constructor(
    send: (subscriber: S, group: readonly Outgoing[]) => void,
    private readonly delivered: (seconds: number) => void,
  ) {
    super(send);
  }

  override push(outgoing: Outgoing): void {
    const timed: TimedOutgoing = { event: outgoing.event, bytes: outgoing.bytes, at: performance.now() };
    super.push(timed);
  }

  protected override groupDone(group: readonly Outgoing[]): void {
    const now = performance.now();
    for (const outgoing of group) this.delivered((now - (outgoing as TimedOutgoing).at) / 1_000);
  }
}
