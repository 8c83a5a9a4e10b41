import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { Logger } from '../common/logger.js';
import { describeThrown, printable } from '../common/describe.js';
import { DEADLINE_PASSED, withDeadline } from '../common/deadline.js';
import { Errors } from '../errors.js';
import type { HubEvent, Replay, SseTransport } from '../sse/hub/transport.js';
import { compareStreamIds, isStreamId } from './stream-id.js';
import { shardKey, shardOf } from './shard-map.js';
import { compareShardedIds, floorAfter, formatShardedId, parseShardedId } from './shard-id.js';
import { ShardInterest } from './shard-interest.js';
import { replayShards, type ShardReads, type ShardStart } from './shard-replay.js';
import { toEvent, type StreamEntry } from './stream-entry.js';
import { ShardReader, type ShardReaderHost, type StreamsReply } from './shard-reader.js';

/** A Redis Cluster the transport connects to itself. */
export interface RedisClusterConnection {
  /** Startup nodes, as for ioredis's `new Cluster(nodes)`: any few of the cluster's nodes; it learns the rest. */
  nodes: ClusterNode[];
  /**
   * ioredis Cluster options, over the transport's own: `lazyConnect`,
   * `retryDelayOnFailover: 0` (an XADD in flight on a master that dies is not
   * sent again to its successor, which could store it twice), and in
   * `redisOptions` the transport's `connectTimeoutMs` and `commandTimeoutMs`.
   */
  options?: ClusterOptions;
}

export interface RedisStreamsTransportOptions {
  /** A Redis URL such as redis://127.0.0.1:6379. Ignored when `client` or `cluster` is given. */
  url?: string;
  /**
   * A Redis Cluster (three masters or more), which the transport connects to
   * itself, as `new Cluster(nodes, options)`. Use `shards` of at least the
   * number of masters, so the shards, and the load, spread over them. Ignored
   * when `client` is given.
   */
  cluster?: RedisClusterConnection;
  /**
   * Your own ioredis client, for publishing and replay: a `Redis`, or a
   * `Cluster` (known by its `isCluster`). The blocking readers are its
   * duplicates. Give a Cluster `retryDelayOnFailover: 0` for the guarantees
   * of `cluster` (see RedisClusterConnection.options).
   */
  client?: Redis | Cluster;
  /** The stream key that holds every channel's events; with `shards`, the prefix of the shards' keys. Default `streamnest:events`. */
  key?: string;
  /**
   * How many streams the channels are spread over, by a hash of the channel
   * name: `key:{0}` … `key:{n-1}`, each whole on one Redis Cluster node. A
   * process reads only the shards its local subscribers need. Default 1: one
   * stream, `key` itself, and plain stream ids, as before sharding. Every
   * process on a `key` must use the same count (start-up checks it); to change
   * it, use a new `key`. At most 1 024.
   *
   * On a Redis Cluster, each shard is read over a connection of its own (one
   * XREAD may not name two slots): a process holds one blocking connection
   * per shard its subscribers need.
   */
  shards?: number;
  /** Approximate number of events retained per shard (XADD MAXLEN ~). Default 10 000. */
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

/** What the transport is doing, for tests and dashboards. */
export interface RedisStreamsStats {
  shards: number;
  /** The shards this process reads now: those its local subscribers need (with one shard, always shard 0). */
  reading: number[];
  /** Shards just needed, whose start position is being taken. */
  starting: number[];
}

const logger = new Logger('RedisStreamsTransport');
const MAX_SHARDS = 1024;
const INCOMPLETE: Replay = { events: [], complete: false };

/**
 * Shares hub events between processes and machines through Redis streams.
 * - publish: XADD to the channel's shard, with approximate MAXLEN trimming;
 * - delivery: one blocking XREAD loop per process over the shards it needs,
 *   whatever the client count;
 * - replay: XRANGE of each shard from the client's position there, exact
 *   only if that position is still retained.
 *
 * With one shard (the default), all channels share one stream, ids are plain
 * stream ids, ordered across channels, and the process reads the stream
 * whether or not it has subscribers. With several, an id carries the client's
 * position in each shard it reads (see shard-id.ts), so one Last-Event-ID
 * still resumes every channel exactly.
 */
export class RedisStreamsTransport implements SseTransport {
  private readonly key: string;
  private readonly shards: number;
  private readonly keys: string[];
  private readonly shardOfKey: Map<string, number>;
  private readonly maxLen: number;
  private readonly blockMs: number;
  private readonly count: number;
  private readonly commandTimeoutMs: number;
  private readonly interest: ShardInterest;
  private client: Redis | Cluster | undefined;
  /** The one blocking reader: on a single node, or a cluster with one shard. */
  private reader: Redis | Cluster | undefined;
  /** On a cluster with shards: a reader per shard read (shard-reader.ts). */
  private readonly shardReaders = new Map<number, ShardReader>();
  private perShardReaders = false;
  private deliver: (event: HubEvent) => void = () => undefined;
  /** Shard → the last stream id delivered from it: the shards read now. */
  private readonly positions = new Map<number, string>();
  /** Shards needed whose start is not taken yet; replays of them wait for it. */
  private readonly starting = new Map<number, { done: Promise<void>; resolve: () => void }>();
  /** The reader's CLIENT ID, to wake its XREAD when a shard is added; taken again after each reconnect. */
  private readerId: string | undefined;
  private readerIdStale = true;
  /** Which XREAD is waiting now (0: none), so a wake-up retries only while that one waits. */
  private xreadInFlight = 0;
  private xreads = 0;
  /** Wakes the reader when it has no shard to read. */
  private idle: (() => void) | undefined;
  private closed = false;
  /** Failed XREADs since start, of the single reader or a shard's (each is retried from where it stopped): see SseTransport.readErrors. */
  readErrors = 0;
  private readonly reads: ShardReads = {
    range: (key, start, count) => this.client!.xrange(key, start, '+', 'COUNT', count) as Promise<StreamEntry[]>,
    untrimmed: (key) => this.untrimmed(key),
    idOf: (shard, id, others) => (this.shards === 1 ? id : formatShardedId(shard, id, others)),
  };

  constructor(private readonly options: RedisStreamsTransportOptions = {}) {
    this.key = options.key ?? 'streamnest:events';
    this.shards = positive('shards', options.shards ?? 1);
    if (this.shards > MAX_SHARDS) throw Errors.INVALID_HUB_OPTION('shards', `must be at most ${MAX_SHARDS}, got ${this.shards}`);
    this.keys = Array.from({ length: this.shards }, (_, shard) => shardKey(this.key, shard, this.shards));
    this.shardOfKey = new Map(this.keys.map((key, shard) => [key, shard]));
    this.interest = new ShardInterest((channel) => shardOf(channel, this.shards));
    this.maxLen = positive('maxLen', options.maxLen ?? 10_000);
    this.blockMs = positive('blockMs', options.blockMs ?? 5_000);
    this.count = positive('count', options.count ?? 1_000);
    this.commandTimeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs ?? 5_000);
    if (options.cluster && options.cluster.nodes.length === 0) throw Errors.INVALID_HUB_OPTION('cluster.nodes', 'must name at least one node');
    if (options.url === undefined && options.client === undefined && options.cluster === undefined) options.url = 'redis://127.0.0.1:6379';
  }

  async start(deliver: (event: HubEvent) => void): Promise<void> {
    const client = (this.client = this.options.client ?? this.ownClient(await loadIoredis()));
    // On a cluster, one XREAD cannot name shards of several slots: each shard is read on its own (shard-reader.ts).
    this.perShardReaders = client.isCluster && this.shards > 1;
    const reader = (this.reader = this.perShardReaders ? undefined : this.readerOf(client));
    client.on('error', (error) => logger.warn(`redis: ${error.message}`));
    reader?.on('error', () => undefined);
    reader?.on('ready', () => {
      this.readerIdStale = true;
    });
    const timeout = this.connectTimeoutMs;
    try {
      await Promise.all([connect(client, timeout), reader && connect(reader, timeout)]);
      if (this.shards === 1) {
        // Deliver from the current end of the stream: history is for replay, not for re-broadcast.
        const newest = await client.xrevrange(this.key, '+', '-', 'COUNT', 1);
        this.positions.set(0, newest[0]?.[0] ?? '0-0');
      } else {
        await this.checkShardCount(client);
      }
    } catch (error) {
      reader?.disconnect();
      if (!this.options.client) client.disconnect();
      throw error;
    }
    this.deliver = deliver;
    if (!this.perShardReaders) void this.readForever(deliver);
  }

  private get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? 5_000;
  }

  /** The client the transport makes itself, from `cluster` or `url`. */
  private ownClient({ Redis, Cluster }: Ioredis): Redis | Cluster {
    const cluster = this.options.cluster;
    if (cluster) return new Cluster(cluster.nodes, ownClusterOptions(cluster.options, this.connectTimeoutMs, this.commandTimeoutMs));
    // Commands fail at once while Redis is down, so a publish is never silently queued and lost.
    // And a command in flight when the connection drops is failed, never sent again on the next
    // connection: Redis may have run it already, and an XADD run twice stores the event twice.
    return new Redis(this.options.url!, {
      connectTimeout: this.connectTimeoutMs,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.commandTimeoutMs,
    });
  }

  /** The single blocking reader: a duplicate of the client that waits while Redis is down, and whose XREAD no timeout ends. */
  private readerOf(client: Redis | Cluster): Redis | Cluster {
    if (client.isCluster) return (client as Cluster).duplicate([], CLUSTER_READER);
    const options: RedisOptions = { connectTimeout: this.connectTimeoutMs, lazyConnect: true };
    return (client as Redis).duplicate({ ...options, enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
  }

  async append(channel: string, message: { event?: string; data: string }): Promise<string> {
    const client = this.client;
    if (!client) throw Errors.TRANSPORT_NOT_STARTED('RedisStreamsTransport');
    // A Cluster queues commands while it reconnects (its nodes need the queue while they connect): refuse now rather than queue.
    if (client.isCluster && client.status !== 'ready') throw Errors.TRANSPORT_UNAVAILABLE(channel, `the Redis Cluster connection is ${client.status}`);
    const shard = shardOf(channel, this.shards);
    let id: string | null;
    try {
      id = await client.xadd(this.keys[shard]!, 'MAXLEN', '~', this.maxLen, '*', 'c', channel, 'e', message.event ?? '', 'd', message.data);
    } catch (error) {
      throw publishFailure(channel, error);
    }
    if (id === null) throw Errors.TRANSPORT_UNAVAILABLE(channel, 'XADD returned no id');
    // The publisher's id: its position in its own shard, which is all it says.
    return this.shards === 1 ? id : formatShardedId(shard, id, []);
  }

  async replay(channels: readonly string[], after: string, limit: number): Promise<Replay> {
    const starts = this.startsOf(channels, after);
    if (!starts || !this.client) return INCOMPLETE;
    // A shard just needed: its live reading must start no later than this replay reads, so the two meet.
    await Promise.all(starts.map(({ shard }) => this.starting.get(shard)?.done));
    return replayShards(starts, channels, limit, this.count, this.reads);
  }

  compare(a: string, b: string): number {
    return this.shards === 1 ? compareStreamIds(a, b) : compareShardedIds(a, b, this.shards);
  }

  /** Ids of one shard are ordered; of several, not: a catch-up floor ends shard by shard. */
  floorAfter(floor: string, sent: string): string | undefined {
    return this.shards === 1 ? undefined : floorAfter(floor, sent, this.shards);
  }

  /**
   * A local subscription attached: the shards of its channels are read from
   * now on. Resolves once each has its start position (its newest entry), so
   * that every event appended afterwards is delivered; the hub opens the
   * client's stream only then.
   */
  watch(channels: readonly string[]): Promise<void> | undefined {
    if (this.shards === 1) return undefined;
    const added = this.interest.watch(channels);
    for (const shard of added) {
      if (this.positions.has(shard) || this.starting.has(shard)) continue;
      let resolve!: () => void;
      const done = new Promise<void>((r) => {
        resolve = r;
      });
      this.starting.set(shard, { done, resolve });
    }
    if (this.perShardReaders) {
      if (!this.closed) for (const shard of added) this.startShardReader(shard);
    } else if (added.length > 0) this.wake();
    // Also a shard another subscriber just asked for, still starting.
    const pending = [...new Set(channels.map((channel) => this.starting.get(shardOf(channel, this.shards))?.done))].filter((done) => done !== undefined);
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  }

  /**
   * A local subscription detached: a shard nobody here needs any more is no
   * longer read (by the single reader from its next XREAD; on a cluster, its
   * own reader stops and disconnects at once).
   */
  unwatch(channels: readonly string[]): void {
    if (this.shards === 1) return;
    for (const shard of this.interest.unwatch(channels)) {
      this.shardReaders.get(shard)?.stop();
      this.shardReaders.delete(shard);
      this.positions.delete(shard);
      this.starting.get(shard)?.resolve();
      this.starting.delete(shard);
    }
  }

  stats(): RedisStreamsStats {
    const sorted = (shards: Iterable<number>) => [...shards].sort((a, b) => a - b);
    return { shards: this.shards, reading: sorted(this.positions.keys()), starting: sorted(this.starting.keys()) };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle?.();
    for (const { resolve } of this.starting.values()) resolve();
    for (const reader of this.shardReaders.values()) reader.stop();
    this.shardReaders.clear();
    // The reader checks `closed` after every XREAD, so nothing is delivered from
    // here on; no need to wait for a blocked XREAD, which with Redis down may
    // never end.
    this.reader?.disconnect();
    if (!this.options.client) this.client?.disconnect();
  }

  /** Where the client stands in each shard of `channels`, or undefined when its id says nothing of one of them. */
  private startsOf(channels: readonly string[], after: string): ShardStart[] | undefined {
    if (this.shards === 1) return isStreamId(after) ? [{ shard: 0, key: this.key, from: after }] : undefined;
    const id = parseShardedId(after, this.shards);
    if (!id) return undefined;
    const starts: ShardStart[] = [];
    for (const shard of new Set(channels.map((channel) => shardOf(channel, this.shards)))) {
      const from = id.positions.get(shard);
      if (from === undefined) return undefined;
      starts.push({ shard, key: this.keys[shard]!, from });
    }
    return starts;
  }

  /**
   * The one blocking reader of this process, over the shards it needs. It
   * resumes from the last id it saw in each after any error, so nothing is
   * skipped or repeated.
   */
  private async readForever(deliver: (event: HubEvent) => void): Promise<void> {
    let backoff = 50;
    while (!this.closed) {
      try {
        const reply = await this.readOnce();
        if (this.closed) return;
        backoff = 50;
        // Subscribers who came during the XREAD: their shards' positions go into the ids of this batch.
        await this.startShards();
        this.deliverAll(reply, deliver);
      } catch (error) {
        if (this.closed) return;
        this.readErrors++;
        logger.warn(`XREAD failed (${(error as Error).message}); retrying from ${this.describePositions()}`);
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, 1_000);
      }
    }
  }

  /** One XREAD over the shards read now; with none, waits until one is needed. */
  private async readOnce(): Promise<[string, StreamEntry[]][] | null> {
    const reader = this.reader!;
    if (this.readerIdStale && this.shards > 1) {
      this.readerIdStale = false;
      this.readerId = await reader.call('CLIENT', 'ID').then(String, () => undefined);
    }
    await this.startShards();
    if (this.positions.size === 0) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
      });
      this.idle = undefined;
      return null;
    }
    const shards = [...this.positions.keys()];
    const generation = ++this.xreads;
    this.xreadInFlight = generation;
    try {
      return (await reader.xread(
        'COUNT',
        this.count,
        'BLOCK',
        this.blockMs,
        'STREAMS',
        ...shards.map((shard) => this.keys[shard]!),
        ...shards.map((shard) => this.positions.get(shard)!),
      )) as [string, StreamEntry[]][] | null;
    } finally {
      if (this.xreadInFlight === generation) this.xreadInFlight = 0;
    }
  }

  /**
   * Takes the start of each shard just needed: its newest entry, so its live
   * reading begins now (history is for replay). Until then nothing more is
   * delivered, so every event a new subscriber gets carries its position in
   * each of its shards.
   */
  private async startShards(): Promise<void> {
    while (this.starting.size > 0) {
      const shards = [...this.starting.keys()];
      const pipeline = this.reader!.pipeline();
      for (const shard of shards) pipeline.xrevrange(this.keys[shard]!, '+', '-', 'COUNT', 1);
      const results = (await pipeline.exec()) ?? [];
      shards.forEach((shard, i) => {
        const [error, newest] = results[i] ?? [Errors.REDIS_UNREACHABLE('no reply to XREVRANGE')];
        // The reader loop logs it and tries again.
        if (error) throw error;
        const waiting = this.starting.get(shard);
        if (!waiting) return;
        this.positions.set(shard, (newest as StreamEntry[])[0]?.[0] ?? '0-0');
        this.starting.delete(shard);
        waiting.resolve();
      });
    }
  }

  private deliverAll(reply: [string, StreamEntry[]][] | null, deliver: (event: HubEvent) => void): void {
    for (const [key, entries] of reply ?? []) {
      const shard = this.shardOfKey.get(key)!;
      for (const [id, fields] of entries) {
        if (this.shards === 1) {
          this.positions.set(0, id);
          deliver(toEvent(id, fields));
          continue;
        }
        // A shard dropped during the XREAD, or dropped and started again past these entries.
        const at = this.positions.get(shard);
        if (at === undefined || compareStreamIds(id, at) <= 0) continue;
        this.positions.set(shard, id);
        const event = toEvent(id, fields);
        const along = this.interest.shardsWith(event.channel);
        if (!along) continue;
        event.id = formatShardedId(shard, id, this.positionsOf(along));
        deliver(event);
      }
    }
  }

  /** A cluster shard's own reader, from its start (taken by the reader) on. */
  private startShardReader(shard: number): void {
    const open = () => {
      const connection = (this.client as Cluster).duplicate([], CLUSTER_READER);
      connection.on('error', () => undefined);
      return connection;
    };
    this.shardReaders.set(shard, new ShardReader(shard, this.keys[shard]!, open, this.shardReaderHost, { blockMs: this.blockMs, count: this.count }));
  }

  private readonly shardReaderHost: ShardReaderHost = {
    positionOf: (shard) => this.positions.get(shard),
    started: (shard, newest) => {
      const waiting = this.starting.get(shard);
      if (!waiting) return;
      this.positions.set(shard, newest);
      this.starting.delete(shard);
      waiting.resolve();
    },
    ready: (reply) => this.alongStarted(reply),
    deliver: (reply) => this.deliverAll(reply, this.deliver),
    failed: () => {
      this.readErrors++;
    },
  };

  /**
   * Shard readers deliver on their own, so a batch waits for the shards still
   * starting that are read along with its channels (a new subscriber's other
   * shards): its events' ids then carry their positions, as the single reader
   * ensures by starting every new shard before each batch.
   */
  private async alongStarted(reply: StreamsReply): Promise<void> {
    for (;;) {
      const waits = new Set<Promise<void>>();
      for (const [, entries] of reply) {
        for (const [, fields] of entries) {
          for (const shard of this.interest.shardsWith(toEvent('', fields).channel) ?? []) {
            const starting = this.starting.get(shard);
            if (starting) waits.add(starting.done);
          }
        }
      }
      if (waits.size === 0) return;
      await Promise.all(waits);
    }
  }

  private *positionsOf(shards: Iterable<number>): Iterable<readonly [number, string]> {
    for (const shard of shards) {
      const position = this.positions.get(shard);
      if (position !== undefined) yield [shard, position];
    }
  }

  /**
   * Makes a waiting XREAD return, so the next one includes the shards just
   * added, rather than after up to `blockMs`. CLIENT UNBLOCK from the other
   * connection; it may arrive before the XREAD itself does, so it is tried
   * again while that XREAD is still the one waiting.
   */
  private wake(): void {
    if (this.idle) {
      this.idle();
      return;
    }
    const generation = this.xreadInFlight;
    const id = this.readerId;
    if (generation === 0 || id === undefined || !this.client) return;
    void (async () => {
      for (let tries = 0; tries < 50 && this.xreadInFlight === generation && !this.closed; tries++) {
        const woken = await this.client!.call('CLIENT', 'UNBLOCK', id).catch(() => -1);
        if (woken !== 0) return;
        await new Promise((r) => setTimeout(r, 2).unref());
      }
    })();
  }

  /** Whether a stream has never lost an entry to trimming (a missing stream has none to lose). */
  private async untrimmed(key: string): Promise<boolean> {
    let info: unknown[];
    try {
      info = (await this.client!.xinfo('STREAM', key)) as unknown[];
    } catch (error) {
      if (/no such key/i.test(describeThrown(error).message)) return true;
      throw error;
    }
    const at = info.indexOf('max-deleted-entry-id');
    // Before Redis 7 nobody knows: the client gets `reset`, never a gap.
    return at >= 0 && info[at + 1] === '0-0';
  }

  /** Every process on a key must hash channels to the same shards: the first to start records the count. */
  private async checkShardCount(client: Redis | Cluster): Promise<void> {
    const countKey = `${this.key}:shards`;
    await client.set(countKey, String(this.shards), 'NX');
    const recorded = await client.get(countKey);
    if (recorded !== String(this.shards)) throw Errors.REDIS_SHARDS_MISMATCH(this.key, String(recorded), this.shards);
  }

  private describePositions(): string {
    return this.shards === 1 ? (this.positions.get(0) ?? '0-0') : [...this.positions].map(([shard, id]) => `${shard}:${id}`).join(', ') || 'no shard';
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw Errors.INVALID_HUB_OPTION(name, `must be a positive integer, got ${printable(value)}`);
  return value;
}

/**
 * A reader's duplicate of a Cluster: it may wait (offline queue) while its
 * node reconnects or fails over, and no command timeout ends its blocking
 * XREAD. Named, so CLIENT LIST shows the readers.
 */
const CLUSTER_READER: ClusterOptions = {
  lazyConnect: true,
  enableOfflineQueue: true,
  redisOptions: { commandTimeout: undefined, connectionName: 'streamnest-reader' },
};

/**
 * The transport's own Cluster. Its offline queue stays on: ioredis refuses a
 * command to a node still connecting without it, which after a failover
 * would refuse publishes for nothing; `append` refuses while the cluster as a
 * whole is down instead.
 */
function ownClusterOptions(options: ClusterOptions | undefined, connectTimeout: number, commandTimeout: number): ClusterOptions {
  return {
    lazyConnect: true,
    // An XADD in flight on a master that dies may have been stored: sent again to its successor, the event could be stored twice.
    retryDelayOnFailover: 0,
    ...options,
    redisOptions: { connectTimeout, commandTimeout, ...options?.redisOptions },
  };
}

/** Connects (or waits for the connection) within `timeoutMs`, or fails with a clear error. */
async function connect(redis: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  const ready = redis.status === 'wait' ? redis.connect() : new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  try {
    await withDeadline(ready, timeoutMs);
  } catch (error) {
    throw Errors.REDIS_UNREACHABLE(error === DEADLINE_PASSED ? `not ready after ${timeoutMs} ms` : describeThrown(error).message);
  }
}

type RedisClass = typeof import('ioredis').Redis;
type ClusterClass = typeof import('ioredis').Cluster;
interface Ioredis {
  Redis: RedisClass;
  Cluster: ClusterClass;
}

async function loadIoredis(): Promise<Ioredis> {
  try {
    const mod: { Redis?: RedisClass; Cluster?: ClusterClass; default?: RedisClass | { Redis?: RedisClass } } = await import('ioredis');
    const Redis = mod.Redis ?? (mod.default as { Redis?: RedisClass })?.Redis ?? (mod.default as RedisClass);
    const Cluster = mod.Cluster ?? (mod.default as unknown as { Cluster: ClusterClass }).Cluster;
    return { Redis, Cluster };
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
