import { describeThrown, printable } from '../common/describe.js';
import { LazyRedis, type RedisClientLike } from '../common/redis-client.js';
import { Errors } from '../errors.js';
import type { CacheStore } from './cache-store.js';
import { checkPositive } from './cache-options.js';

export interface RedisStoreOptions {
  /** A Redis URL such as redis://127.0.0.1:6379 (the default). Ignored when `client` is given. */
  url?: string;
  /** Your own ioredis client; the store then never disconnects it. */
  client?: RedisClientLike;
  /** Put before every key, so the cache shares a database safely and `clear()` removes only its own keys. Default `streamnest:cache:`. */
  keyPrefix?: string;
  /** How long start-up waits for Redis, in ms. Default 5 000. */
  connectTimeoutMs?: number;
  /** How long one command may wait, in ms, so a hung Redis cannot hold a request. Default 1 000. */
  commandTimeoutMs?: number;
}

/** Keys deleted per UNLINK while clearing. */
const CLEAR_BATCH = 500;

/**
 * Keeps entries in Redis (through ioredis, an optional peer), shared by every
 * process: a value is stored as JSON under `keyPrefix + key`, its time to
 * live as PX. A value that is not JSON (a BigInt, a cycle) is refused with
 * SN_ERR_CACHE_VALUE before anything is sent; a Redis that is down or hung
 * fails the call with SN_ERR_CACHE_UNAVAILABLE. Redis bounds the entries with
 * its own `maxmemory` policy.
 */
export class RedisStore implements CacheStore {
  readonly keyPrefix: string;
  private readonly redis: LazyRedis;

  constructor(options: RedisStoreOptions = {}) {
    const what = 'new RedisStore()';
    this.keyPrefix = options.keyPrefix ?? 'streamnest:cache:';
    // An empty prefix would make clear() delete every key of the database.
    if (typeof this.keyPrefix !== 'string' || this.keyPrefix === '')
      throw Errors.INVALID_CACHE_OPTION(what, `keyPrefix must be a non-empty string, got ${printable(options.keyPrefix)}`);
    checkPositive(what, 'connectTimeoutMs', options.connectTimeoutMs ?? 5_000);
    checkPositive(what, 'commandTimeoutMs', options.commandTimeoutMs ?? 1_000);
    this.redis = new LazyRedis(options, 'the cache (RedisStore)');
  }

  /** Connects now (CacheModule calls it at start-up); otherwise the first command does. */
  async connect(): Promise<void> {
    await this.client();
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const raw = await this.command('get', key, 'GET', this.keyPrefix + key);
    if (typeof raw !== 'string') return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      // Not written by this store (or truncated): a miss, so the value is computed again.
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttl = 0): Promise<true> {
    const json = encode(key, value);
    const expiry = ttl > 0 ? ['PX', Math.max(1, Math.round(ttl))] : [];
    await this.command('set', key, 'SET', this.keyPrefix + key, json, ...expiry);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.command('delete', key, 'DEL', this.keyPrefix + key)) === 1;
  }

  /** Deletes the keys under the prefix, a batch at a time (SCAN, then UNLINK), never the whole database. */
  async clear(): Promise<void> {
    const pattern = `${escapeGlob(this.keyPrefix)}*`;
    let cursor = '0';
    do {
      const reply = (await this.command('clear', pattern, 'SCAN', cursor, 'MATCH', pattern, 'COUNT', CLEAR_BATCH)) as [string, string[]];
      cursor = reply[0];
      if (reply[1].length > 0) await this.command('clear', pattern, 'UNLINK', ...reply[1]);
    } while (cursor !== '0');
  }

  async disconnect(): Promise<void> {
    await this.redis.disconnect();
  }

  private client(): Promise<RedisClientLike> {
    return this.redis.get();
  }

  private async command(operation: string, key: string, command: string, ...args: Array<string | number>): Promise<unknown> {
    const client = await this.client();
    try {
      return await client.call(command, ...args);
    } catch (error) {
      throw Errors.CACHE_UNAVAILABLE(operation, JSON.stringify(key), describeThrown(error).message);
    }
  }
}

/** The JSON of a value, or SN_ERR_CACHE_VALUE saying why there is none. */
function encode(key: string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw Errors.CACHE_VALUE(JSON.stringify(key), describeThrown(error).message);
  }
  if (json === undefined) throw Errors.CACHE_VALUE(JSON.stringify(key), `${printable(value)} has no JSON form`);
  return json;
}

/** The prefix as a SCAN MATCH pattern that matches it literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
