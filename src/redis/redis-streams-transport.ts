import type { Redis, RedisOptions } from 'ioredis';
import { Logger } from '../common/logger.js';
import { describeThrown, printable } from '../common/describe.js';
import { DEADLINE_PASSED, withDeadline } from '../common/deadline.js';
import { Errors } from '../errors.js';
import type { HubEvent, Replay, SseTransport } from '../sse/hub/transport.js';
import { compareStreamIds, isStreamId } from './stream-id.js';

export interface RedisStreamsTransportOptions {
  /** A Redis URL such as redis://127.0.0.1:6379. Ignored when `client` is given. */
  url?: string;
  /** Your own ioredis client, for publishing and replay; the blocking reader is its duplicate. */
  client?: Redis;
  /** The stream key that holds every channel's events. Default `streamnest:events`. */
  key?: string;
  /** Approximate number of events retained (XADD MAXLEN ~). Default 10 000. */
  maxLen?: number;
  /** How long one blocking XREAD waits, in ms. Default 5 000. */
  blockMs?: number;
  /** Events read per XREAD. Default 1 000. */
  count?: number;
  /** How long start-up waits for Redis before failing, in ms. Default 5 000. */
  connectTimeoutMs?: number;
  /**
   * How long a publish or a replay read waits for Redis before failing, in ms,
   * so a hung Redis (SIGSTOP, a full network buffer) cannot hold requests forever.
   * Default 5 000. The blocking reader is not concerned: it waits by design.
   */
  commandTimeoutMs?: number;
}

const logger = new Logger('RedisStreamsTransport');

/**
 * Shares hub events between processes and machines through one Redis stream.
 * All channels share the stream, so ids are ordered across channels too and a
 * client subscribed to several channels resumes exactly with one Last-Event-ID.
 * - publish: XADD with approximate MAXLEN trimming;
 * - delivery: one blocking XREAD loop per process, whatever the client count;
 * - replay: XRANGE from the client's last id, exact only if that id is still retained.
 */
export class RedisStreamsTransport implements SseTransport {
  private readonly key: string;
  private readonly maxLen: number;
  private readonly blockMs: number;
  private readonly count: number;
  private readonly commandTimeoutMs: number;
  private client: Redis | undefined;
  private reader: Redis | undefined;
  private lastSeen = '0-0';
  private closed = false;

  constructor(private readonly options: RedisStreamsTransportOptions = {}) {
    this.key = options.key ?? 'streamnest:events';
    this.maxLen = positive('maxLen', options.maxLen ?? 10_000);
    this.blockMs = positive('blockMs', options.blockMs ?? 5_000);
    this.count = positive('count', options.count ?? 1_000);
    this.commandTimeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs ?? 5_000);
    if (options.url === undefined && options.client === undefined) options.url = 'redis://127.0.0.1:6379';
  }

  async start(deliver: (event: HubEvent) => void): Promise<void> {
    const { Redis } = await loadIoredis();
    const common: RedisOptions = { connectTimeout: this.options.connectTimeoutMs ?? 5_000, lazyConnect: true };
    // Commands fail at once while Redis is down, so a publish is never silently queued and lost.
    this.client =
      this.options.client ??
      new Redis(this.options.url!, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: this.commandTimeoutMs });
    this.reader = this.client.duplicate({ ...common, enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
    this.client.on('error', (error) => logger.warn(`redis: ${error.message}`));
    this.reader.on('error', () => undefined);
    const timeout = this.options.connectTimeoutMs ?? 5_000;
    try {
      await Promise.all([connect(this.client, timeout), connect(this.reader, timeout)]);
    } catch (error) {
      this.reader.disconnect();
      if (!this.options.client) this.client.disconnect();
      throw error;
    }
    // Deliver from the current end of the stream: history is for replay, not for re-broadcast.
    const newest = await this.client.xrevrange(this.key, '+', '-', 'COUNT', 1);
    this.lastSeen = newest[0]?.[0] ?? '0-0';
    void this.readForever(deliver);
  }

  async append(channel: string, message: { event?: string; data: string }): Promise<string> {
    const client = this.client;
    if (!client) throw Errors.TRANSPORT_NOT_STARTED('RedisStreamsTransport');
    let id: string | null;
    try {
      id = await client.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', 'c', channel, 'e', message.event ?? '', 'd', message.data);
    } catch (error) {
      throw publishFailure(channel, error);
    }
    if (id === null) throw Errors.TRANSPORT_UNAVAILABLE(channel, 'XADD returned no id');
    return id;
  }

  async replay(channels: readonly string[], after: string, limit: number): Promise<Replay> {
    if (!isStreamId(after) || !this.client) return { events: [], complete: false };
    const wanted = new Set(channels);
    const events: HubEvent[] = [];
    let from = after;
    // The first read asks for just enough for a busy channel; a sparse one reads on in larger pages.
    let count = limit + 1;
    for (;;) {
      const page = await this.client.xrange(this.key, from, '+', 'COUNT', count);
      // The first entry must be `after` itself, or the history no longer reaches it (or never had it).
      if (from === after && page[0]?.[0] !== after) return { events: [], complete: false };
      for (const [id, fields] of page) {
        if (id === from) continue;
        const event = toEvent(id, fields);
        if (!wanted.has(event.channel)) continue;
        events.push(event);
        if (events.length === limit) return { events, complete: true };
      }
      if (page.length < count) return { events, complete: true };
      from = page[page.length - 1]![0];
      count = this.count;
    }
  }

  compare(a: string, b: string): number {
    return compareStreamIds(a, b);
  }

  async close(): Promise<void> {
    this.closed = true;
    // The reader checks `closed` after every XREAD, so nothing is delivered from
    // here on; no need to wait for a blocked XREAD, which with Redis down may
    // never end.
    this.reader?.disconnect();
    if (!this.options.client) this.client?.disconnect();
  }

  /** The one blocking reader of this process. It resumes from the last id it saw after any error, so nothing is skipped or repeated. */
  private async readForever(deliver: (event: HubEvent) => void): Promise<void> {
    let backoff = 50;
    while (!this.closed) {
      try {
        const reply = await this.reader!.xread('COUNT', this.count, 'BLOCK', this.blockMs, 'STREAMS', this.key, this.lastSeen);
        if (this.closed) return;
        backoff = 50;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastSeen = id;
            deliver(toEvent(id, fields));
          }
        }
      } catch (error) {
        if (this.closed) return;
        logger.warn(`XREAD failed (${(error as Error).message}); retrying from ${this.lastSeen}`);
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, 1_000);
      }
    }
  }
}

function toEvent(id: string, fields: string[]): HubEvent {
  const event: HubEvent = { id, channel: '', data: '' };
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1] ?? '';
    if (fields[i] === 'c') event.channel = value;
    else if (fields[i] === 'd') event.data = value;
    else if (fields[i] === 'e' && value !== '') event.event = value;
  }
  return event;
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw Errors.INVALID_HUB_OPTION(name, `must be a positive integer, got ${printable(value)}`);
  return value;
}

/** Connects (or waits for the connection) within `timeoutMs`, or fails with a clear error. */
async function connect(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  const ready = redis.status === 'wait' ? redis.connect() : new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  try {
    await withDeadline(ready, timeoutMs);
  } catch (error) {
    throw Errors.REDIS_UNREACHABLE(error === DEADLINE_PASSED ? `not ready after ${timeoutMs} ms` : describeThrown(error).message);
  }
}

type RedisClass = typeof import('ioredis').Redis;

async function loadIoredis(): Promise<{ Redis: RedisClass }> {
  try {
    const mod: { Redis?: RedisClass; default?: RedisClass | { Redis?: RedisClass } } = await import('ioredis');
    const Redis = mod.Redis ?? (mod.default as { Redis?: RedisClass })?.Redis ?? (mod.default as RedisClass);
    return { Redis };
  } catch {
    throw Errors.OPTIONAL_DEPENDENCY('RedisStreamsTransport', 'ioredis');
  }
}

/**
 * What a failed XADD means. With the offline queue off, ioredis refuses a
 * command at once while the connection is down: then nothing was sent, and
 * nothing stored. Any other failure (the connection dropped with the command
 * in flight, a retry that ran out) may come after Redis stored the event,
 * and its subscribers got it: the publisher must not be told otherwise.
 */
function publishFailure(channel: string, error: unknown): Error {
  const message = describeThrown(error).message;
  if (/isn't writeable|enableOfflineQueue/.test(message)) return Errors.TRANSPORT_UNAVAILABLE(channel, message);
  return Errors.PUBLISH_UNCONFIRMED(channel, message);
}
