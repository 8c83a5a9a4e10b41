import { SSE_ATTACH, type SseAttachable } from '../attachable.js';
import { SseSession, type CloseReason } from '../session.js';
import { EncodedEvent } from '../encoded-event.js';
import { Logger } from '../../common/logger.js';
import { describeThrown } from '../../common/describe.js';
import { Errors } from '../../errors.js';
import type { Outgoing } from './channel-fanout.js';
import type { HubEvent } from './transport.js';
import { watchExpiry } from './expiry-timer.js';
import { encodeEvent } from '../encode.js';

export type HubFilter = (event: HubEvent) => boolean;

/** What a subscription needs of its hub. */
export interface HubLink {
  /**
   * The subscription's session exists: put it in its channels, start replay or
   * go live. Returns a promise when the transport is still starting to read
   * these channels: the response must not open before it settles.
   */
  attach(subscription: HubSubscription): void | Promise<void>;
  /** Its session ended: take it out of its channels. */
  detach(subscription: HubSubscription, reason: CloseReason): void;
  /** The transport's order of ids. */
  compare(a: string, b: string): number;
  /** What is left of a catch-up floor once a newer event was sent (see SseTransport.floorAfter). */
  floorAfter(floor: string, sent: string): string | undefined;
}

/** What happened to one event offered to a subscriber. */
export type Delivery = 'skipped' | 'sent' | 'behind';

const logger = new Logger('SseHub');
const EXPIRED = EncodedEvent.of(encodeEvent({ event: 'expired', data: { reason: 'authorization-expired' } }));

/**
 * One client's interest in some channels, and its state: its session, the
 * live events held while it replays, and its catch-up floor. The hub offers
 * it events (replayed ones, then live ones, each as the bytes the hub encoded
 * once); the subscription decides what to send, hold or skip, so none is lost
 * or sent twice.
 */
export class HubSubscription implements SseAttachable {
  private session: SseSession | undefined;
  /** Live events that arrived during replay; null once live. */
  private held: Outgoing[] | null = [];
  private heldBytes = 0;
  /**
   * While catching up after a reconnect: the newest id the client already has
   * (its Last-Event-ID, then the last replayed event). Events at or below it
   * are skipped, so replay and live never overlap; cleared at the first newer
   * event (with ids ordered per channel only, shard by shard: see floorAfter).
   */
  private floor: string | undefined;
  /** Stops the authorization's expiry timer; set only for a subscription that expires. */
  declare private stopWatch: (() => void) | undefined;

  constructor(
    readonly channels: readonly string[],
    readonly lastEventId: string | undefined,
    readonly filter: HubFilter | undefined,
    private readonly hub: HubLink,
    /** When the client's authorization ends, in ms since the epoch. */
    private readonly expiresAt?: number,
  ) {}

  [SSE_ATTACH](): SseSession {
    if (this.session) throw Errors.SSE_ATTACHED('this hub subscription');
    const session = (this.session = new SseSession());
    this.floor = this.lastEventId;
    session.onClose(this);
    const reading = this.hub.attach(this);
    if (reading) session.holdOpen(reading);
    // Last: an expiry already reached ends the session at once, after the hub has it, so the detach undoes the attach.
    if (this.expiresAt !== undefined && session.isOpen) this.stopWatch = watchExpiry(this.expiresAt, () => this.expire());
    return session;
  }

  /** @internal The session closed (its Teardown): out of the hub, and no expiry timer left behind. */
  sessionClosed(reason: CloseReason): void {
    this.stopWatch?.();
    this.held = null;
    this.hub.detach(this, reason);
  }

  get isOpen(): boolean {
    return this.session?.isOpen === true;
  }

  /** True until replay is over (or was never needed). */
  get replaying(): boolean {
    return this.held !== null;
  }

  /**
   * Live events from a channel's fan-out: held during replay, else sent, and
   * written at once (the fan-out gave this subscriber its unit of the turn).
   * Returns how many were sent.
   */
  receive(group: readonly Outgoing[]): number {
    if (this.held) {
      // A hold that drops the subscriber as slow ends its share of the group.
      for (const outgoing of group) if (!this.hold(outgoing)) break;
      return 0;
    }
    let sent = 0;
    for (const { event, bytes } of group) if (this.offer(event, bytes) !== 'skipped') sent++;
    if (sent > 0) this.session!.flush();
    return sent;
  }

  /** One event of the replay: sent unless filtered; the floor moves past it either way. */
  replayed(event: HubEvent, bytes: EncodedEvent): Delivery {
    const delivery = this.offer(event, bytes);
    this.floor = event.id;
    return delivery;
  }

  /**
   * Tells the client its history is incomplete (`reset`), then goes live. Live
   * events held are sent after it, skipping only those the client got in this
   * replay: an id the transport never issued (one from the future, say) must
   * not hold back live events below it.
   */
  reset(notice: EncodedEvent): number {
    this.session!.send(notice);
    if (this.floor === this.lastEventId) this.floor = undefined;
    return this.goLive();
  }

  /** Ends replay: the live events held meanwhile go out, less any the replay sent. Returns how many were sent. */
  goLive(): number {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    let sent = 0;
    for (const { event, bytes } of held) if (this.offer(event, bytes) !== 'skipped') sent++;
    return sent;
  }

  /** The authorization ran out while the stream was open: the client hears `expired` (to fetch a new one), then the stream ends. */
  private expire(): void {
    this.session!.send(EXPIRED);
    this.session!.close('end');
  }

  /** Resolves once the client has taken what it was sent (or left). */
  drained(): Promise<void> {
    return this.session!.drained();
  }

  /** Asks the client to come back later, and ends its stream. */
  retryLater(): void {
    this.session!.retryLater();
  }

  /**
   * Keeps a live event until replay is done. A subscriber whose backlog passes
   * its limit is dropped like any slow one: false then, and nothing more is held.
   */
  private hold(outgoing: Outgoing): boolean {
    this.held!.push(outgoing);
    this.heldBytes += outgoing.bytes.bytes.length;
    if (this.heldBytes <= this.session!.maxBufferedBytes) return true;
    this.session!.close('slow');
    return false;
  }

  /** Sends one event unless the client has it already or filters it out. */
  private offer(event: HubEvent, bytes: EncodedEvent): Delivery {
    const session = this.session!;
    if (!session.isOpen) return 'skipped';
    if (this.floor !== undefined) {
      // Catching up: this instance may still deliver events the client saw elsewhere or got in its replay.
      if (this.hub.compare(event.id, this.floor) <= 0) return 'skipped';
      this.floor = this.hub.floorAfter(this.floor, event.id);
    }
    if (this.filter && !this.passes(event)) return 'skipped';
    return session.send(bytes) ? 'sent' : 'behind';
  }

  private passes(event: HubEvent): boolean {
    try {
      return this.filter!(event);
    } catch (error) {
      logger.error(`a subscription filter threw on channel "${event.channel}"; the event was skipped for that client`, describeThrown(error).stack);
      return false;
    }
  }
}
