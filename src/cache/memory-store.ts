import { LRUCache } from 'lru-cache';
import type { CacheStore } from './cache-store.js';
import { checkPositive } from './cache-options.js';

export interface MemoryStoreOptions {
  /** The most entries kept; past it, the least recently used one goes. Default 1 000. */
  max?: number;
}

/** An entry as lru-cache holds it: boxed, since lru-cache cannot hold `undefined` or `null` values themselves. */
interface Box {
  value: unknown;
}

/**
 * The default store: in this process, bounded by a number of entries, least
 * recently used first out (lru-cache does the bookkeeping), each entry with
 * its own time to live. Values are kept as they are, not copied: a caller that
 * mutates what `get` gave mutates the cached value.
 */
export class MemoryStore implements CacheStore {
  private readonly lru: LRUCache<string, Box>;

  constructor(options: MemoryStoreOptions = {}) {
    const max = checkPositive('new MemoryStore()', 'max', options.max ?? 1_000);
    this.lru = new LRUCache<string, Box>({ max });
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return this.lru.get(key)?.value as T | undefined;
  }

  async set(key: string, value: unknown, ttl = 0): Promise<true> {
    this.lru.set(key, { value }, { ttl });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.lru.delete(key);
  }

  async clear(): Promise<void> {
    this.lru.clear();
  }

  /** How many entries are held now (expired ones not yet purged included). */
  get size(): number {
    return this.lru.size;
  }
}
