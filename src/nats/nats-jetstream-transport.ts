import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';
import { Logger } from '../common/logger.js';
import { describeThrown, printable } from '../common/describe.js';
import { DEADLINE_PASSED, withDeadline } from '../common/deadline.js';
import { Errors } from '../errors.js';
import type { HubEvent, Replay, SseTransport } from '../sse/hub/transport.js';
import { channelToken, isStreamName, isSubjectPrefix, tokenChannel } from './subject.js';
import { compareIds, formatId, incarnationOf, parseId } from './event-id.js';

/**
 * The part of a NATS connection (`@nats-io/transport-node`'s `connect()`) this
 * transport uses. Declared here, not imported, so the published types of
 * streamnest/nats compile without the NATS packages installed.
 */
export interface NatsConnectionLike {
  close(): Promise<void>;
  isClosed(): boolean;
  status(): AsyncIterable<{ type: string }>;
}

export interface NatsJetStreamTransportOptions {
  /** NATS server URL(s). Default `nats://127.0.0.1:4222`. Ignored when `connection` is given. */
  servers?: string | string[];
  /** Your own connection (from `@nats-io/transport-node`'s `connect()`); it is not closed by `close()`. */
  connection?: NatsConnectionLike;
  /** The JetStream stream that holds every channel's events. Created if missing. Default `streamnest_events`. */
  stream?: string;
  /** The subject prefix; a channel's subject is the prefix and the base64url of its name. Default `streamnest.events.`. */
  subjectPrefix?: string;
  /** Events the stream keeps (oldest dropped first). Default 10 000. */
  maxMessages?: number;
  /** How long the stream keeps an event, in ms. Default 24 hours. */
  maxAgeMs?: number;
  /** Bytes the stream keeps. Default 256 MiB. */
  maxBytes?: number;
  /** How long start-up waits for NATS before failing, in ms. Default 5 000. */
  connectTimeoutMs?: number;
  /** How long a publish or a replay read waits for NATS before failing, in ms. Default 5 000. */
  commandTimeoutMs?: number;
}

const logger = new Logger('NatsJetStreamTransport');

type Nats = { connect: typeof import('@nats-io/transport-node').connect };
type JetStream = typeof import('@nats-io/jetstream');

/**
 * Shares hub events between processes through one JetStream stream, one
 * subject per channel. Ids are stream sequences, ordered across channels.
 * - publish: a JetStream publish, acknowledged once stored;
 * - delivery: one ordered consumer per process, from the stream's end at start-up;
 * - replay: per channel, the next message by subject after the client's id,
 *   merged in sequence order; exact only if the stream still reaches that id.
 */
export class NatsJetStreamTransport implements SseTransport {
  private readonly stream: string;
  private readonly prefix: string;
  private readonly limits: { maxMessages: number; maxAgeMs: number; maxBytes: number };
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private incarnation = '';
  private lastSeq = 0;
  private up = false;
  private closed = false;
  /** Failures of the delivery loop since start (each resumes after the last sequence): see SseTransport.readErrors. */
  readErrors = 0;
  private messages: ConsumerMessages | undefined;

  constructor(private readonly options: NatsJetStreamTransportOptions = {}) {
    this.stream = options.stream ?? 'streamnest_events';
    if (!isStreamName(this.stream))
      throw Errors.INVALID_HUB_OPTION('stream', `must be a JetStream stream name (no '.', '*', '>', '/', '\\' or whitespace), got ${printable(this.stream)}`);
    this.prefix = options.subjectPrefix ?? 'streamnest.events.';
    if (!isSubjectPrefix(this.prefix)) {
      throw Errors.INVALID_HUB_OPTION(
        'subjectPrefix',
        `must be literal subject tokens ending with '.', such as 'streamnest.events.', got ${printable(this.prefix)}`,
      );
    }
    this.limits = {
      maxMessages: positive('maxMessages', options.maxMessages ?? 10_000),
      maxAgeMs: positive('maxAgeMs', options.maxAgeMs ?? 24 * 3600_000),
      maxBytes: positive('maxBytes', options.maxBytes ?? 256 * 1024 * 1024),
    };
    this.connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs ?? 5_000);
    this.commandTimeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs ?? 5_000);
  }

  async start(deliver: (event: HubEvent) => void): Promise<void> {
    const { nats, jetstream } = await loadNats();
    const nc = (this.options.connection as NatsConnection | undefined) ?? (await this.connect(nats));
    this.nc = nc;
    try {
      this.jsm = await withDeadline(jetstream.jetstreamManager(nc, { timeout: this.commandTimeoutMs }), this.commandTimeoutMs);
      this.js = jetstream.jetstream(nc, { timeout: this.commandTimeoutMs });
      const info = await this.ensureStream();
      this.incarnation = incarnationOf(info.created);
      // Deliver from the current end of the stream: history is for replay, not for re-broadcast.
      this.lastSeq = info.state.last_seq;
    } catch (error) {
      if (!this.options.connection) await nc.close().catch(() => undefined);
      throw error;
    }
    this.up = true;
    void this.watchStatus(nc);
    void this.deliverForever(deliver, jetstream);
  }

  async append(channel: string, message: { event?: string; data: string }): Promise<string> {
    const js = this.js;
    if (!js) throw Errors.TRANSPORT_NOT_STARTED('NatsJetStreamTransport');
    // While disconnected the client would buffer the publish until NATS is back: refuse it at once instead.
    if (!this.up || this.closed) throw Errors.TRANSPORT_UNAVAILABLE(channel, 'NATS is disconnected');
    const payload = JSON.stringify(message.event === undefined ? { d: message.data } : { e: message.event, d: message.data });
    try {
      const ack = await js.publish(this.prefix + channelToken(channel), payload, { timeout: this.commandTimeoutMs, expect: { streamName: this.stream } });
      return formatId(this.incarnation, ack.seq);
    } catch (error) {
      throw publishFailure(channel, error);
    }
  }

  async replay(channels: readonly string[], after: string, limit: number): Promise<Replay> {
    const jsm = this.jsm;
    const from = parseId(after, this.incarnation);
    if (!jsm || from === undefined) return { events: [], complete: false };
    const events = await this.readAfter(jsm, channels, from, limit);
    // Checked after the reads: the stream only loses its oldest messages, so if
    // it still reaches `from` now, nothing the reads skipped had been dropped.
    const info = await jsm.streams.info(this.stream);
    if (incarnationOf(info.created) !== this.incarnation) return { events: [], complete: false };
    const { first_seq, last_seq } = info.state;
    if (from > last_seq || from + 1 < first_seq) return { events: [], complete: false };
    return { events, complete: true };
  }

  compare(a: string, b: string): number {
    return compareIds(a, b);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.up = false;
    this.messages?.stop();
    if (!this.options.connection) await this.nc?.close().catch(() => undefined);
  }

  /**
   * The next `limit` events on `channels` after `from`: the next message of each
   * channel's subject, the lowest sequence taken, then that channel's next.
   * Reads are by subject, so a sparse channel costs no scan of the others.
   */
  private async readAfter(jsm: JetStreamManager, channels: readonly string[], from: number, limit: number): Promise<HubEvent[]> {
    const next = (channel: string, seq: number) => this.nextOf(jsm, channel, seq);
    const heads = await Promise.all(channels.map((channel) => next(channel, from + 1)));
    const events: HubEvent[] = [];
    while (events.length < limit) {
      let lowest = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head && (lowest < 0 || head.seq < heads[lowest]!.seq)) lowest = i;
      }
      if (lowest < 0) break;
      const head = heads[lowest]!;
      events.push(head.event);
      heads[lowest] = events.length < limit ? await next(channels[lowest]!, head.seq + 1) : undefined;
    }
    return events;
  }

  private async nextOf(jsm: JetStreamManager, channel: string, seq: number): Promise<{ seq: number; event: HubEvent } | undefined> {
    const query = { seq, next_by_subj: this.prefix + channelToken(channel) };
    const stored = await jsm.streams.getMessage(this.stream, query as never);
    if (!stored) return undefined;
    return { seq: stored.seq, event: this.toEvent(channel, stored.seq, stored.data) };
  }

  private toEvent(channel: string, seq: number, data: Uint8Array): HubEvent {
    const event: HubEvent = { id: formatId(this.incarnation, seq), channel, data: '' };
    try {
      const body = JSON.parse(Buffer.from(data).toString('utf8')) as { e?: unknown; d?: unknown };
      if (typeof body.d === 'string') event.data = body.d;
      if (typeof body.e === 'string') event.event = body.e;
    } catch {
      logger.warn(`message ${seq} of stream ${this.stream} is not a streamnest event; delivered with empty data`);
    }
    return event;
  }

  private async connect(nats: Nats): Promise<NatsConnection> {
    const servers = this.options.servers ?? 'nats://127.0.0.1:4222';
    try {
      // Reconnects forever: an outage pauses delivery, and publishes are refused meanwhile.
      return await nats.connect({ servers, timeout: this.connectTimeoutMs, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'streamnest' });
    } catch (error) {
      throw Errors.NATS_UNREACHABLE(`${printable(servers)}: ${describeThrown(error).message}`);
    }
  }

  /** Finds the stream, or creates it with our limits; an existing stream gets our limits too. */
  private async ensureStream(): Promise<StreamInfo> {
    const jsm = this.jsm!;
    const wanted: Partial<StreamConfig> = {
      max_msgs: this.limits.maxMessages,
      max_age: this.limits.maxAgeMs * 1_000_000,
      max_bytes: this.limits.maxBytes,
    };
    try {
      let info: StreamInfo;
      try {
        info = await jsm.streams.info(this.stream);
      } catch (error) {
        if (!/stream not found/i.test(describeThrown(error).message)) throw error;
        return await jsm.streams.add({ name: this.stream, subjects: [`${this.prefix}>`], storage: 'file' as never, discard: 'old' as never, ...wanted });
      }
      if (!info.config.subjects?.includes(`${this.prefix}>`)) {
        throw Errors.NATS_STREAM(this.stream, `it exists without the subjects "${this.prefix}>": give another stream name or subjectPrefix`);
      }
      const { max_msgs, max_age, max_bytes } = info.config;
      if (max_msgs === wanted.max_msgs && max_age === wanted.max_age && max_bytes === wanted.max_bytes) return info;
      return await jsm.streams.update(this.stream, { ...info.config, ...wanted });
    } catch (error) {
      if ((error as { code?: string }).code === 'SN_ERR_NATS_STREAM') throw error;
      throw Errors.NATS_STREAM(this.stream, describeThrown(error).message);
    }
  }

  /** Follows the connection: publishes are refused while it is down; after a reconnect, a recreated stream is noticed. */
  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closed) return;
      if (status.type === 'disconnect') this.up = false;
      else if (status.type === 'reconnect') {
        this.up = true;
        void this.checkIncarnation();
        // The server may have lost the consumer (a restart): start a new one from the last sequence now, rather than after missed heartbeats.
        this.messages?.stop();
      }
    }
  }

  private async checkIncarnation(): Promise<void> {
    try {
      const info = await this.jsm!.streams.info(this.stream);
      const incarnation = incarnationOf(info.created);
      if (incarnation === this.incarnation) return;
      logger.warn(`stream ${this.stream} was recreated: ids start again; clients resuming from older ids get reset`);
      this.incarnation = incarnation;
      this.lastSeq = info.state.first_seq - 1;
    } catch (error) {
      logger.warn(`could not read stream ${this.stream} after a reconnect: ${describeThrown(error).message}`);
    }
  }

  /**
   * The one ordered consumer of this process. The library re-creates it after a
   * gap or a server restart, from the last sequence it delivered; should it
   * give up, this loop starts a new one from `lastSeq`, and skips anything at
   * or before it, so nothing is repeated or skipped.
   */
  private async deliverForever(deliver: (event: HubEvent) => void, jetstream: JetStream): Promise<void> {
    let backoff = 50;
    while (!this.closed) {
      try {
        const consumer = await this.js!.consumers.get(this.stream, {
          filter_subjects: `${this.prefix}>`,
          deliver_policy: jetstream.DeliverPolicy.StartSequence,
          opt_start_seq: this.lastSeq + 1,
        });
        const messages = await consumer.consume({ max_messages: 1_000 });
        this.messages = messages;
        if (this.closed) messages.stop();
        backoff = 50;
        for await (const message of messages) {
          if (message.seq <= this.lastSeq) continue;
          this.lastSeq = message.seq;
          const token = message.subject.slice(this.prefix.length);
          deliver(this.toEvent(tokenChannel(token), message.seq, message.data));
        }
      } catch (error) {
        if (this.closed) return;
        this.readErrors++;
        logger.warn(`delivery from stream ${this.stream} failed (${describeThrown(error).message}); resuming after ${this.lastSeq}`);
      }
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, backoff).unref());
      backoff = Math.min(backoff * 2, 1_000);
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw Errors.INVALID_HUB_OPTION(name, `must be a positive integer, got ${printable(value)}`);
  return value;
}

/**
 * What a failed JetStream publish means. A timeout, or a request cut off,
 * may come after the stream stored the event: the publisher must not be told
 * it was not. An answer that is an error (no JetStream, a refusal), or a
 * closed connection, means nothing was stored.
 */
function publishFailure(channel: string, error: unknown): Error {
  const { message } = describeThrown(error);
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'RequestError') return Errors.PUBLISH_UNCONFIRMED(channel, message);
  if (error === DEADLINE_PASSED) return Errors.PUBLISH_UNCONFIRMED(channel, 'no answer in time');
  return Errors.TRANSPORT_UNAVAILABLE(channel, message);
}

/** The NATS client packages are optional peers, loaded on first use (a `require()` in the CommonJS build). */
async function loadNats(): Promise<{ nats: Nats; jetstream: JetStream }> {
  try {
    const [nats, jetstream] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
    return { nats: nats as Nats, jetstream: jetstream as JetStream };
  } catch {
    throw Errors.OPTIONAL_DEPENDENCY('NatsJetStreamTransport', '@nats-io/transport-node @nats-io/jetstream');
  }
}
