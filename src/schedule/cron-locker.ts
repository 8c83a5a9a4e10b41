import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { printable } from '../common/describe.js';
import { LazyRedis, type RedisClientLike } from '../common/redis-client.js';
import { Errors } from '../errors.js';

/**
 * Decides which process runs a distributed job's tick, as @nestjs/schedule's
 * CronLocker: `tryAcquire` answers true on exactly one process per key.
 */
export interface CronLocker {
  tryAcquire(key: string, ttlMs: number): Promise<boolean>;
  release?(key: string): Promise<void>;
  /** Called at start-up, so a locker that cannot reach its backend fails there. */
  connect?(): Promise<void>;
  /** Called on app.close(). */
  disconnect?(): Promise<void> | void;
}

export interface RedisCronLockerOptions {
  /** A Redis URL (default redis://127.0.0.1:6379). Ignored when `client` is given. */
  url?: string;
  /** Your own ioredis client; the locker then never disconnects it. */
  client?: RedisClientLike;
  /** Put before every lock key. Default `streamnest:cron:`. */
  keyPrefix?: string;
  /** How long start-up waits for Redis, in ms. Default 5 000. */
  connectTimeoutMs?: number;
  /** How long one SET may wait, in ms. Default 1 000. */
  commandTimeoutMs?: number;
}

/**
 * A lock per tick in Redis: `SET key NX PX ttl`, where the scheduler's key
 * names the job and the tick's scheduled time. Every process computes the
 * same tick times, so the first to set the key runs that tick and the others
 * skip it. The key is left to expire rather than released, so a process whose
 * clock runs late cannot run the same tick again after the first finished.
 */
export class RedisCronLocker implements CronLocker {
  private readonly keyPrefix: string;
  private readonly token = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly redis: LazyRedis;

  constructor(options: RedisCronLockerOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? 'streamnest:cron:';
    if (typeof this.keyPrefix !== 'string') throw Errors.INVALID_ARGUMENT('new RedisCronLocker()', 'keyPrefix must be a string', printable(options.keyPrefix));
    this.redis = new LazyRedis(options, 'the cron locker (RedisCronLocker)');
  }

  async connect(): Promise<void> {
    await this.client();
  }

  async tryAcquire(key: string, ttlMs: number): Promise<boolean> {
    const client = await this.client();
    return (await client.call('SET', this.keyPrefix + key, this.token, 'NX', 'PX', Math.max(1, Math.round(ttlMs)))) === 'OK';
  }

  async disconnect(): Promise<void> {
    await this.redis.disconnect();
  }

  private client(): Promise<RedisClientLike> {
    return this.redis.get();
  }
}
