import { DEADLINE_PASSED, withDeadline } from './deadline.js';
import { describeThrown } from './describe.js';
import { Errors } from '../errors.js';

/**
 * The part of an ioredis client the cache store and the cron locker use. It is
 * declared here, not imported from ioredis, so the published types of
 * streamnest/cache and streamnest/schedule compile without ioredis installed;
 * an ioredis `Redis` (or `Cluster`) fits it.
 */
export interface RedisClientLike {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
  disconnect(): void;
}

export interface RedisConnectOptions {
  /** How long connecting may take before start-up fails, in ms. */
  connectTimeoutMs: number;
  /** How long one command may wait for Redis before it fails, in ms, so a hung Redis cannot hold a caller forever. */
  commandTimeoutMs: number;
}

/**
 * A new ioredis client on `url`, connected, or a coded error naming `who`.
 * Commands fail at once while the connection is down (no offline queue), so a
 * caller sees an outage instead of waiting on it.
 */
export async function connectRedis(url: string, options: RedisConnectOptions, who: string): Promise<RedisClientLike> {
  const Redis = await loadIoredis(who);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  client.on('error', () => undefined);
  try {
    await withDeadline(client.connect(), options.connectTimeoutMs);
  } catch (error) {
    client.disconnect();
    throw Errors.REDIS_UNREACHABLE(error === DEADLINE_PASSED ? `not ready after ${options.connectTimeoutMs} ms` : describeThrown(error).message, who);
  }
  return client as RedisClientLike;
}

type RedisClass = new (
  url: string,
  options: Record<string, unknown>,
) => RedisClientLike & { connect(): Promise<void>; on(event: string, listener: () => void): unknown };

/** ioredis is an optional peer, loaded on first use (a `require()` in the CommonJS build). */
async function loadIoredis(who: string): Promise<RedisClass> {
  try {
    const mod: { Redis?: RedisClass; default?: RedisClass | { Redis?: RedisClass } } = (await import('ioredis')) as never;
    return mod.Redis ?? (mod.default as { Redis?: RedisClass })?.Redis ?? (mod.default as RedisClass);
  } catch {
    throw Errors.OPTIONAL_DEPENDENCY(who, 'ioredis');
  }
}

/** Where a lazily connected client comes from: your own, or a URL with its timeouts. */
export interface LazyRedisOptions {
  url?: string;
  client?: RedisClientLike;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

/**
 * One Redis client, connected on first use (or given), shared by the cache
 * store and the cron locker. A failed connection is not kept: the next call
 * tries again. A client given by the app is never disconnected by us.
 */
export class LazyRedis {
  private connecting: Promise<RedisClientLike> | undefined;

  constructor(
    private readonly options: LazyRedisOptions,
    /** Names the user of the connection in errors, e.g. 'the cache (RedisStore)'. */
    private readonly who: string,
  ) {
    if (options.client) this.connecting = Promise.resolve(options.client);
  }

  get(): Promise<RedisClientLike> {
    if (!this.connecting) {
      const timeouts = { connectTimeoutMs: this.options.connectTimeoutMs ?? 5_000, commandTimeoutMs: this.options.commandTimeoutMs ?? 1_000 };
      this.connecting = connectRedis(this.options.url ?? 'redis://127.0.0.1:6379', timeouts, this.who);
      this.connecting.catch(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    if (this.options.client || !this.connecting) return;
    const pending = this.connecting;
    this.connecting = undefined;
    try {
      (await pending).disconnect();
    } catch {
      // It never connected: there is nothing to close.
    }
  }
}
