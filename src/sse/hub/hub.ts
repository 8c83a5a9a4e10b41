import { Logger } from '../../common/logger.js';
import { describeThrown, isInstance, printable } from '../../common/describe.js';
import { DEADLINE_PASSED, withDeadline } from '../../common/deadline.js';
import { Errors, StreamnestError } from '../../errors.js';
import { encodeEvent, checkEvent, dataText, SseFieldError } from '../encode.js';
import { SharedEvent } from '../shared-event.js';
import { HubSubscription, type HubFilter } from './hub-subscription.js';
import { ChannelFanout, type Outgoing } from './channel-fanout.js';
import { ReplayGate } from './replay-gate.js';
import { ReplayEncodings } from './replay-encodings.js';
import { resolveHubOptions, type HubOptions, type HubLimits } from './hub-options.js';
import type { HubEvent, Replay, SseTransport } from './transport.js';

export interface PublishMessage {
  /** The payload: a string as is, anything else as JSON. */
  data: unknown;
  /** The event name; without one, clients hear it on `onmessage`. */
  event?: string;
}

export interface SubscribeOptions {
  /** The client's `Last-Event-ID` (see `@LastEventId()`): missed events are replayed first. */
  lastEventId?: string;
  /** Delivers only the events for which this returns true. */
  filter?: HubFilter;
}

export interface HubStats {
  /** Local subscribers per channel. */
  channels: Record<string, number>;
  /** Local subscriptions, each counted once however many channels it watches. */
  subscribers: number;
  /** Events published through this instance. */
  published: number;
  /** Event writes to local subscribers. */
  delivered: number;
  /** Local subscribers dropped for falling too far behind. */
  droppedSlow: number;
  /** Reconnects served from history, and those that got `reset` instead (history gone, or the replay past its limits). */
  replays: number;
  resets: number;
  /** Reconnects asked to come back later (`retry:`) because too many replays were waiting. */
  replaysRefused: number;
  /** Replays reading from the transport now, and those waiting for a turn. */
  replaying: { reading: number; waiting: number };
}

const logger = new Logger('SseHub');
/** Encoded replay events kept for clients resuming together. */
const REPLAY_ENCODINGS_BYTES = 8 * 1024 * 1024;
/** Why a client got `reset`: its id is not in the history, or replaying would pass the limits. */
type ResetReason = 'history-unavailable' | 'replay-limit';
const RESETS: Record<ResetReason, SharedEvent> = {
  'history-unavailable': SharedEvent.of(encodeEvent({ event: 'reset', data: { reason: 'history-unavailable' } })),
  'replay-limit': SharedEvent.of(encodeEvent({ event: 'reset', data: { reason: 'replay-limit' } })),
};

function shared(event: HubEvent): SharedEvent {
  return SharedEvent.of(encodeEvent({ id: event.id, event: event.event, data: event.data }));
}

/**
 * Broadcast with replay. `publish` hands the event to the transport, which
 * assigns its id and delivers it to the hub of every instance; each hub encodes
 * it once and writes the same bytes to every local subscriber of the channel.
 */
export class SseHub {
  private readonly channels = new Map<string, ChannelFanout>();
  private readonly sendGroup = (subscription: HubSubscription, group: readonly Outgoing[]) => this.sendTo(subscription, group);
  private counters = { published: 0, delivered: 0, droppedSlow: 0, replays: 0, resets: 0, replaysRefused: 0 };
  private subscribers = 0;
  private started: Promise<void> | undefined;
  private readonly limits: HubLimits;
  private readonly gate: ReplayGate;
  private readonly replayEncodings = new ReplayEncodings(REPLAY_ENCODINGS_BYTES);

  constructor(readonly transport: SseTransport, options: HubOptions = {}) {
    this.limits = resolveHubOptions(options);
    this.gate = new ReplayGate(this.limits.replay.concurrency, this.limits.replay.maxWaiting);
  }

  /** Starts the transport's delivery. The module calls it at start-up. */
  start(): Promise<void> {
    this.started ??= this.transport.start((event) => this.deliver(event));
    return this.started;
  }

  /** Publishes to a channel; resolves to the event's id once the transport has stored it. */
  async publish(channel: string, message: PublishMessage): Promise<string> {
    checkChannel(channel);
    if (message === null || typeof message !== 'object') throw new SseFieldError('message', 'must be an object { data, event? }');
    if (message.event !== undefined) checkEvent(message.event);
    const data = dataText(message.data);
    await this.start();
    const timeout = this.limits.publishTimeout;
    let id: string;
    try {
      id = await withDeadline(this.transport.append(channel, { event: message.event, data }), timeout);
    } catch (error) {
      if (error === DEADLINE_PASSED) throw Errors.PUBLISH_TIMEOUT(channel, timeout);
      // A transport that knows more (Redis: sent or not) says it with an error of its own.
      if (isInstance(error, StreamnestError)) throw error;
      throw Errors.TRANSPORT_UNAVAILABLE(channel, describeThrown(error).message);
    }
    this.counters.published++;
    return id;
  }

  /**
   * A subscription to return from an `@Sse` handler. With `lastEventId`, the
   * client first gets what it missed; if that is no longer in the history, it
   * gets an event named `reset` and then live events, so the app can refetch state.
   */
  subscribe(channels: string | readonly string[], options: SubscribeOptions = {}): HubSubscription {
    const list = typeof channels === 'string' ? [channels] : Array.isArray(channels) ? [...new Set(channels)] : [];
    if (list.length === 0) throw Errors.NO_CHANNEL(printable(channels));
    list.forEach(checkChannel);
    const lastEventId = options.lastEventId === '' ? undefined : options.lastEventId;
    return new HubSubscription(list, lastEventId, options.filter, this);
  }

  /** Stops the transport: called by the container on shutdown, after every stream has ended. */
  async onModuleDestroy(): Promise<void> {
    await this.transport.close();
  }

  stats(): HubStats {
    const channels: Record<string, number> = {};
    for (const [channel, fanout] of this.channels) channels[channel] = fanout.subscribers.size;
    return { channels, subscribers: this.subscribers, ...this.counters, replaying: this.gate.stats() };
  }

  /** Encodes once; the channel's fan-out writes the same bytes to every local subscriber. */
  private deliver(event: HubEvent): void {
    const fanout = this.channels.get(event.channel);
    if (!fanout || fanout.subscribers.size === 0) return;
    fanout.push({ event, bytes: shared(event) });
  }

  /** One subscriber's share of a fan-out: held during replay, else written, several events in one corked write. */
  private sendTo(subscription: HubSubscription, group: readonly Outgoing[]): void {
    if (subscription.pending) {
      // A hold that drops the subscriber as slow ends its share of the group.
      for (const { event, bytes } of group) if (!this.hold(subscription, event, bytes)) return;
      return;
    }
    if (group.length === 1) {
      this.write(subscription, group[0]!.event, group[0]!.bytes);
      return;
    }
    const session = subscription.session!;
    session.cork();
    for (const { event, bytes } of group) this.write(subscription, event, bytes);
    session.uncork();
  }

  /**
   * Keeps a live event until replay is done. A subscriber whose backlog passes
   * its limit is dropped like any slow one: false then, and nothing more is held.
   */
  private hold(subscription: HubSubscription, event: HubEvent, bytes: SharedEvent): boolean {
    subscription.pending!.push({ event, bytes });
    subscription.pendingBytes += bytes.bytes.length;
    if (subscription.pendingBytes <= subscription.session!.maxBufferedBytes) return true;
    subscription.session!.close('slow');
    return false;
  }

  /** Writes one event unless the subscriber has it already or filters it out. False when the client is behind. */
  private write(subscription: HubSubscription, event: HubEvent, bytes: SharedEvent): boolean {
    const session = subscription.session!;
    if (!session.isOpen) return false;
    if (subscription.floor !== undefined) {
      // Catching up: this instance may still deliver events the client saw elsewhere or got in its replay.
      if (this.transport.compare(event.id, subscription.floor) <= 0) return true;
      subscription.floor = undefined;
    }
    if (subscription.filter && !this.passes(subscription, event)) return true;
    this.counters.delivered++;
    return session.writeShared(bytes);
  }

  private passes(subscription: HubSubscription, event: HubEvent): boolean {
    try {
      return subscription.filter!(event);
    } catch (error) {
      logger.error(`a subscription filter threw on channel "${event.channel}"; the event was skipped for that client`, describeThrown(error).stack);
      return false;
    }
  }

  /** Called by a subscription once its session is open. */
  attach(subscription: HubSubscription): void {
    const session = subscription.session!;
    this.subscribers++;
    for (const channel of subscription.channels) {
      let fanout = this.channels.get(channel);
      if (!fanout) this.channels.set(channel, fanout = new ChannelFanout(this.sendGroup));
      fanout.subscribers.add(subscription);
    }
    session.onClose((reason) => {
      if (reason === 'slow') this.counters.droppedSlow++;
      this.detach(subscription);
    });
    subscription.floor = subscription.lastEventId;
    if (subscription.lastEventId === undefined) {
      this.goLive(subscription);
      return;
    }
    void this.start().then(() => this.replay(subscription)).catch((error) => {
      logger.error(`replay failed for channels ${subscription.channels.join(', ')}`, describeThrown(error).stack);
      this.reset(subscription, 'history-unavailable');
    });
  }

  /**
   * Sends what the client missed, one page at a time: each page is read in a
   * turn of the replay gate, written, and the next is read only once the client
   * has taken it. Past the per-replay limits, the client gets `reset` instead of
   * the rest, so one resume can never make the server hold the whole history.
   */
  private async replay(subscription: HubSubscription): Promise<void> {
    const session = subscription.session!;
    const { pageSize, maxEvents, maxBytes, readTimeout } = this.limits.replay;
    let after = subscription.lastEventId!;
    let events = 0;
    let bytes = 0;
    for (let first = true; ; first = false) {
      const turn = this.gate.enter(first ? 'refuse' : 'wait', () => session.isOpen);
      if (!turn) {
        this.counters.replaysRefused++;
        session.retryLater();
        return;
      }
      await turn;
      let page: Replay;
      try {
        if (!session.isOpen) return;
        page = await withDeadline(this.transport.replay(subscription.channels, after, pageSize), readTimeout);
      } finally {
        this.gate.leave();
      }
      if (!session.isOpen) return;
      if (!page.complete) return this.reset(subscription, 'history-unavailable');
      for (const event of page.events) {
        const encoded = this.replayEncodings.get(event.id, () => shared(event));
        events++;
        bytes += encoded.bytes.length;
        if (events > maxEvents || bytes > maxBytes) return this.reset(subscription, 'replay-limit');
        const more = this.write(subscription, event, encoded);
        subscription.floor = after = event.id;
        // Paced by the client, inside a page too: a page of large events must not pass the unsent-bytes limit.
        if (!more) await session.drained();
        if (!session.isOpen) return;
      }
      if (page.events.length < pageSize) break;
    }
    this.counters.replays++;
    this.goLive(subscription);
  }

  /**
   * Tells the client its history is incomplete, then goes live. Live events
   * already held are sent after it, skipping only those the client got in this
   * replay: an id the transport never issued (one from the future, say) must
   * not hold back live events below it.
   */
  private reset(subscription: HubSubscription, reason: ResetReason): void {
    const session = subscription.session!;
    if (!session.isOpen) return;
    this.counters.resets++;
    session.writeShared(RESETS[reason]);
    if (subscription.floor === subscription.lastEventId) subscription.floor = undefined;
    this.goLive(subscription);
  }

  /** Flushes live events that arrived during replay; `write` skips any the replay already sent. */
  private goLive(subscription: HubSubscription): void {
    const pending = subscription.pending ?? [];
    subscription.pending = null;
    subscription.pendingBytes = 0;
    for (const { event, bytes } of pending) this.write(subscription, event, bytes);
  }

  private detach(subscription: HubSubscription): void {
    subscription.pending = null;
    this.subscribers--;
    for (const channel of subscription.channels) {
      const fanout = this.channels.get(channel);
      if (!fanout) continue;
      fanout.subscribers.delete(subscription);
      if (fanout.subscribers.size === 0) this.channels.delete(channel);
    }
  }
}

function checkChannel(channel: unknown): void {
  if (typeof channel !== 'string' || channel === '' || /[\r\n\0]/.test(channel)) throw Errors.INVALID_CHANNEL(channel);
}
