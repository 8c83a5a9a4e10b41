import { Errors } from '../errors.js';
import { printable } from '../common/describe.js';
import type { CacheStore } from './cache-store.js';
import { MemoryStore } from './memory-store.js';
import { checkKey, checkPositive, checkTtl } from './cache-options.js';

export interface CacheOptions {
  /** The default time to live, in ms (0: never expires). Default 5 000, as @nestjs/cache-manager's. */
  ttl?: number;
  /** The entries the default MemoryStore keeps (ignored when stores are given). Default 1 000. */
  max?: number;
  /** Where entries live: one store, or tiers read in order (the first hit wins) and all written. Default: a MemoryStore of `max` entries. */
  stores?: CacheStore | CacheStore[];
  /** @nestjs/cache-manager v2's name for one store. */
  store?: CacheStore;
}

/** A time to live given per call: ms, or for `wrap`, a function of the value. */
export type CacheTtl<T> = number | ((value: T) => number);

/**
 * The cache service, as @nestjs/cache-manager's `Cache` (from cache-manager):
 * `get`, `set`, `del`, `clear` and `wrap`. Inject it with
 * `@Inject(CACHE_MANAGER) cache: Cache`, or by its class.
 */
export class Cache {
  readonly stores: readonly CacheStore[];
  private readonly ttl: number;
  /** The `wrap` computations running now, by key: concurrent misses share one. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(options: CacheOptions = {}) {
    const what = 'CacheModule.register()';
    if (options === null || typeof options !== 'object') throw Errors.INVALID_CACHE_OPTION(what, `give an options object, got ${printable(options)}`);
    this.ttl = checkTtl(what, options.ttl ?? 5_000);
    const given = options.stores ?? options.store;
    const stores = given === undefined ? [new MemoryStore({ max: checkPositive(what, 'max', options.max ?? 1_000) })] : [given].flat();
    for (const store of stores) {
      if (!isStore(store)) throw Errors.INVALID_CACHE_OPTION(what, `a store needs get, set, delete and clear methods, got ${printable(store)}`);
    }
    if (stores.length === 0) throw Errors.INVALID_CACHE_OPTION(what, 'stores is empty: give at least one store, or leave it out for a MemoryStore');
    this.stores = stores;
  }

  /** The value under `key`, from the first store that has it; undefined when none does. */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkKey('cache.get()', key);
    for (const store of this.stores) {
      const value = await store.get<T>(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Stores `value` in every store, for `ttl` ms (the module's default when not given), and returns it. */
  async set<T>(key: string, value: T, ttl?: number): Promise<T> {
    checkKey('cache.set()', key);
    if (value === undefined) throw Errors.INVALID_CACHE_OPTION('cache.set()', 'undefined cannot be cached, since get() answers undefined for a miss; use null');
    const ms = ttl === undefined ? this.ttl : checkTtl('cache.set()', ttl);
    await Promise.all(this.stores.map((store) => store.set(key, value, ms)));
    return value;
  }

  /** Removes `key` from every store. */
  async del(key: string): Promise<boolean> {
    checkKey('cache.del()', key);
    await Promise.all(this.stores.map((store) => store.delete(key)));
    return true;
  }

  /** Removes every entry of every store. */
  async clear(): Promise<boolean> {
    await Promise.all(this.stores.map((store) => store.clear()));
    return true;
  }

  /**
   * The cached value, or else `fn()`'s, stored for `ttl` and returned. Calls
   * for the same key while one is computing wait for it instead of computing
   * again (single flight, within this process). An error of `fn` reaches every
   * waiting caller, and nothing is stored.
   */
  wrap<T>(key: string, fn: () => T | Promise<T>, ttl?: CacheTtl<T>): Promise<T> {
    checkKey('cache.wrap()', key);
    if (typeof fn !== 'function') throw Errors.INVALID_CACHE_OPTION('cache.wrap()', `give a function that computes the value, got ${printable(fn)}`);
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const computing = this.getOrCompute(key, fn, ttl).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, computing);
    return computing;
  }

  /** Connects the stores that need it (CacheModule calls it at start-up). */
  async connect(): Promise<void> {
    await Promise.all(this.stores.map((store) => store.connect?.()));
  }

  /** Closes what the stores opened themselves. */
  async disconnect(): Promise<void> {
    await Promise.all(this.stores.map((store) => store.disconnect?.()));
  }

  /** On app.close(), after every other shutdown hook, which may still use the cache. */
  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }

  private async getOrCompute<T>(key: string, fn: () => T | Promise<T>, ttl: CacheTtl<T> | undefined): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const value = await fn();
    if (value !== undefined) await this.set(key, value, typeof ttl === 'function' ? ttl(value) : ttl);
    return value;
  }
}

/** A cache without the module, as cache-manager's `createCache`. */
export function createCache(options: CacheOptions = {}): Cache {
  return new Cache(options);
}

function isStore(value: unknown): value is CacheStore {
  const store = value as Partial<CacheStore> | null;
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.delete === 'function' &&
    typeof store.clear === 'function'
  );
}
