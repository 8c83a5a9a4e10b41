/**
 * Where a `Cache` keeps its entries: `MemoryStore`, `RedisStore`, or one of
 * your own. The method names are Keyv's, so a Keyv-style store fits as it is.
 * `ttl` is in milliseconds; 0 means the entry never expires.
 */
export interface CacheStore {
  /** The value, or undefined when the key is missing or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttl?: number): Promise<unknown>;
  /** Whether there was an entry to delete. */
  delete(key: string): Promise<boolean>;
  /** Removes this store's entries (a Redis store: only those under its prefix). */
  clear(): Promise<unknown>;
  /** Called once at start-up by CacheModule, so a store that cannot reach its backend fails there. */
  connect?(): Promise<void>;
  /** Lets go of what the store opened itself (a Redis connection); called on app.close(). */
  disconnect?(): Promise<void> | void;
}
