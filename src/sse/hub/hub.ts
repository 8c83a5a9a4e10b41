import { Logger } from '../../common/logger.js';
import { describeThrown, isInstance, printable } from '../../common/describe.js';
import { DEADLINE_PASSED, withDeadline } from '../../common/deadline.js';
import { Errors, StreamnestError } from '../../errors.js';
import { encodeEvent, checkEvent, dataText } from '../encode.js';
import { EncodedEvent } from '../encoded-event.js';
import type { CloseReason } from '../session.js';
import { HubSubscription, type HubLink } from './hub-subscription.js';
import type { PublishMessage } from './publish-message.js';
import type { SubscribeOptions } from './subscribe-options.js';
import { ChannelFanout, type Outgoing } from './channel-fanout.js';
import { TimedFanout } from './timed-fanout.js';
import { ReplayGate } from './replay-gate.js';
import { compileGrant } from './channel-grant.js';
import { ForbiddenException } from '../../common/exceptions.js';
import { ReplayEncodings } from './replay-encodings.js';
import { resolveHubOptions, type HubOptions, type HubLimits } from './hub-options.js';
import type { HubEvent, Replay, SseTransport } from './transport.js';
import { TypedHub, type TypedHubOptions } from './typed-hub.js';
import { checkContract, type EventContract, type EventMap } from '../contract/define-events.js';
import { EventCheck, validates } from '../contract/event-check.js';

export type { PublishMessage } from './publish-message.js';
export type { SubscribeOptions } from './subscribe-options.js';

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
  /** The resets by reason: the history no longer reaches the client's id, or the replay passed its limits. */
  resetReasons: Record<ResetReason, number>;
  /** Publishes the transport failed or did not confirm in time (`SN_ERR_TRANSPORT_UNAVAILABLE`, `SN_ERR_PUBLISH_TIMEOUT`…). */
  publishFailures: number;
  /** Reconnects asked to come back later (`retry:`) because too many replays were waiting. */
  replaysRefused: number;
  /** Replays reading from the transport now, and those waiting for a turn. */
  replaying: { reading: number; waiting: number };
}

const logger = new Logger('SseHub');
/** Encoded replay events kept for clients resuming together. */
const REPLAY_ENCODINGS_BYTES = 8 * 1024 * 1024;
/** Why a client got `reset`: its id is not in the history, or replaying would pass the limits. */
export type ResetReason = 'history-unavailable' | 'replay-limit';
const RESETS: Record<ResetReason, EncodedEvent> = {
  'history-unavailable': EncodedEvent.of(encodeEvent({ event: 'reset', data: { reason: 'history-unavailable' } })),
  'replay-limit': EncodedEvent.of(encodeEvent({ event: 'reset', data: { reason: 'replay-limit' } })),
};

function encoded(event: HubEvent): EncodedEvent {
  return EncodedEvent.of(encodeEvent({ id: event.id, event: event.event, data: event.data }));
}

/**
 * Broadcast with replay. `publish` hands the event to the transport, which
 * assigns its id and delivers it to the hub of every instance; each hub encodes
 * it once and writes the same bytes to every local subscriber of the channel.
 */
export class SseHub {
  private readonly channels = new Map<string, ChannelFanout<HubSubscription>>();
  /**
   * A one-channel list per channel with local subscribers, shared (frozen) by
   * every subscription to that channel alone: a broadcast channel's thousands
   * of streams then hold no list of their own. Dropped with the channel's fan-out.
   */
  private readonly singleLists = new Map<string, readonly string[]>();
  private readonly sendGroup = (subscription: HubSubscription, group: readonly Outgoing[]) => {
    this.counters.delivered += subscription.receive(group);
  };
  /** How subscriptions reach this hub: not part of its public face. */
  private readonly link: HubLink = {
    attach: (subscription) => this.attach(subscription),
    detach: (subscription, reason) => this.detach(subscription, reason),
    compare: (a, b) => this.transport.compare(a, b),
    floorAfter: (floor, sent) => this.transport.floorAfter?.(floor, sent),
  };
  private counters = { published: 0, delivered: 0, droppedSlow: 0, replays: 0, resets: 0, replaysRefused: 0, publishFailures: 0 };
  private readonly resetReasons: Record<ResetReason, number> = { 'history-unavailable': 0, 'replay-limit': 0 };
  /** How a channel's fan-out is made: plain, or timed once `timeDeliveries` was called. */
  private newFanout = (): ChannelFanout<HubSubscription> => new ChannelFanout(this.sendGroup);
  private subscribers = 0;
  private started: Promise<void> | undefined;
  private readonly limits: HubLimits;
  private readonly gate: ReplayGate;
  private readonly replayEncodings = new ReplayEncodings(REPLAY_ENCODINGS_BYTES);

  constructor(
    readonly transport: SseTransport,
    options: HubOptions = {},
  ) {
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
    if (message === null || typeof message !== 'object') throw Errors.SSE_FIELD('message', 'must be an object { data, event? }');
    if (message.event !== undefined) checkEvent(message.event);
    const data = dataText(message.data);
    await this.start();
    const timeout = this.limits.publishTimeout;
    let id: string;
    try {
      id = await withDeadline(this.transport.append(channel, { event: message.event, data }), timeout);
    } catch (error) {
      this.counters.publishFailures++;
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
    const list = typeof channels === 'string' ? (this.singleLists.get(channels) ?? [channels]) : Array.isArray(channels) ? [...new Set(channels)] : [];
    if (list.length === 0) throw Errors.NO_CHANNEL(printable(channels));
    list.forEach(checkChannel);
    if (options.allow !== undefined) checkGrant(list, compileGrant(options.allow));
    const expiresAt = expiryOf(options.expiresAt);
    const lastEventId = options.lastEventId === '' ? undefined : options.lastEventId;
    return new HubSubscription(list, lastEventId, options.filter, this.link, expiresAt);
  }

  /**
   * The hub seen through a contract: `publish` takes only its events, each
   * with its own type of data, and checks them when the contract (or
   * `validate` here) says so. Make it once and keep it: `this.jobs = hub.typed(Progress)`.
   */
  typed<E extends EventMap>(contract: EventContract<E>, options: TypedHubOptions = {}): TypedHub<E> {
    const checked = checkContract(contract, 'hub.typed(contract)') as EventContract<E>;
    const check = validates(checked, options.validate, 'hub.typed(contract, { validate })') ? new EventCheck(checked, 'hub.publish to channel') : undefined;
    return new TypedHub(this, checked, check);
  }

  /** The channels declared with their contracts (`SseModule.forRoot({ channels })`), by pattern: what the AsyncAPI document lists. */
  get declaredChannels(): ReadonlyMap<string, EventContract> {
    return this.limits.channels;
  }

  /** Stops the transport: called by the container on shutdown, after every stream has ended. */
  async onModuleDestroy(): Promise<void> {
    await this.transport.close();
  }

  stats(): HubStats {
    const channels: Record<string, number> = {};
    for (const [channel, fanout] of this.channels) channels[channel] = fanout.subscribers.size;
    return { channels, subscribers: this.subscribers, ...this.counters, resetReasons: { ...this.resetReasons }, replaying: this.gate.stats() };
  }

  /**
   * Calls `listener` for every event with the seconds from its arrival at this
   * hub (at publish, with the memory transport) to its write to the last local
   * subscriber of its channel. For metrics, set once at start-up: channels
   * made from then on are timed; until it is called, the fan-out does no timing at all.
   */
  timeDeliveries(listener: (seconds: number) => void): void {
    this.newFanout = () => new TimedFanout(this.sendGroup, listener);
  }

  /** Encodes once; the channel's fan-out writes the same bytes to every local subscriber. */
  private deliver(event: HubEvent): void {
    const fanout = this.channels.get(event.channel);
    if (!fanout || fanout.subscribers.size === 0) return;
    fanout.push({ event, bytes: encoded(event) });
  }

  /**
   * A subscription's session exists: it joins its channels, then replays what
   * it missed or goes live. Returns when the transport still has to start
   * reading its channels, bounded so a Redis that is down cannot hold the
   * response: then the stream opens anyway and hears events once it is back.
   */
  private attach(subscription: HubSubscription): Promise<void> | undefined {
    this.subscribers++;
    // Before replay or live: a transport that reads only what is needed starts on these channels.
    const reading = this.transport.watch?.(subscription.channels);
    this.join(subscription);
    if (!reading) return undefined;
    const channels = subscription.channels.join(', ');
    return withDeadline(reading, this.limits.replay.readTimeout).catch((error) => {
      const why = error === DEADLINE_PASSED ? `not confirmed within ${this.limits.replay.readTimeout} ms` : describeThrown(error).message;
      logger.warn(`opening a stream on ${channels} before the transport reads them (${why})`);
    });
  }

  private join(subscription: HubSubscription): void {
    const channels = subscription.channels;
    for (const channel of channels) {
      let fanout = this.channels.get(channel);
      if (!fanout) this.channels.set(channel, (fanout = this.newFanout()));
      fanout.subscribers.add(subscription);
    }
    if (channels.length === 1 && !this.singleLists.has(channels[0]!)) this.singleLists.set(channels[0]!, Object.freeze(channels));
    if (subscription.lastEventId === undefined) {
      this.counters.delivered += subscription.goLive();
      return;
    }
    void this.start()
      .then(() => this.replay(subscription))
      .catch((error) => {
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
    const { pageSize, maxEvents, maxBytes, readTimeout } = this.limits.replay;
    let after = subscription.lastEventId!;
    let events = 0;
    let bytes = 0;
    for (let first = true; ; first = false) {
      const turn = this.gate.enter(first ? 'refuse' : 'wait', () => subscription.isOpen);
      if (!turn) {
        this.counters.replaysRefused++;
        subscription.retryLater();
        return;
      }
      await turn;
      let page: Replay;
      try {
        if (!subscription.isOpen) return;
        page = await withDeadline(this.transport.replay(subscription.channels, after, pageSize), readTimeout);
      } finally {
        this.gate.leave();
      }
      if (!subscription.isOpen) return;
      if (!page.complete) return this.reset(subscription, 'history-unavailable');
      for (const event of page.events) {
        const bytesOf = this.replayEncodings.get(event.id, () => encoded(event));
        events++;
        bytes += bytesOf.bytes.length;
        if (events > maxEvents || bytes > maxBytes) return this.reset(subscription, 'replay-limit');
        const delivery = subscription.replayed(event, bytesOf);
        after = event.id;
        if (delivery !== 'skipped') this.counters.delivered++;
        // Paced by the client, inside a page too: a page of large events must not pass the unsent-bytes limit.
        if (delivery === 'behind') await subscription.drained();
        if (!subscription.isOpen) return;
      }
      if (page.events.length < pageSize) break;
    }
    this.counters.replays++;
    this.counters.delivered += subscription.goLive();
  }

  /** The client's history is incomplete: it gets `reset`, then goes live. */
  private reset(subscription: HubSubscription, reason: ResetReason): void {
    if (!subscription.isOpen) return;
    this.counters.resets++;
    this.resetReasons[reason]++;
    this.counters.delivered += subscription.reset(RESETS[reason]);
  }

  private detach(subscription: HubSubscription, reason: CloseReason): void {
    if (reason === 'slow') this.counters.droppedSlow++;
    this.subscribers--;
    this.transport.unwatch?.(subscription.channels);
    for (const channel of subscription.channels) {
      const fanout = this.channels.get(channel);
      if (!fanout) continue;
      fanout.subscribers.delete(subscription);
      if (fanout.subscribers.size > 0) continue;
      this.channels.delete(channel);
      this.singleLists.delete(channel);
    }
  }
}

function checkGrant(channels: readonly string[], granted: (channel: string) => boolean): void {
  const refused = channels.filter((channel) => !granted(channel));
  if (refused.length > 0) throw new ForbiddenException(`Not allowed to read ${refused.length === 1 ? 'this channel' : 'these channels'}`);
}

/**
 * The expiry as ms since the epoch. One already past (a token still inside its
 * verifier's clock tolerance) opens the stream and ends it at once with
 * `expired`, so the client learns to fetch a new one rather than stop on a 401.
 */
function expiryOf(expiresAt: Date | number | undefined): number | undefined {
  if (expiresAt === undefined) return undefined;
  const at = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
  if (typeof at !== 'number' || Number.isNaN(at)) {
    throw Errors.INVALID_ARGUMENT('SseHub.subscribe({ expiresAt })', 'expiresAt must be a Date or a number of ms since the epoch', printable(expiresAt));
  }
  return at;
}

function checkChannel(channel: unknown): void {
  if (typeof channel !== 'string' || channel === '' || /[\r\n\0]/.test(channel)) throw Errors.INVALID_CHANNEL(channel);
}
