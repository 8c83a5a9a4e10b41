import type { Cluster } from 'ioredis';
import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import type { StreamEntry } from './stream-entry.js';

/** An XREAD reply: each stream's key and its new entries. */
export type StreamsReply = [key: string, entries: StreamEntry[]][];

/** What a shard reader needs of the transport, which keeps every shard's position. */
export interface ShardReaderHost {
  /** The shard's last delivered id; undefined until its start is taken. */
  positionOf(shard: number): string | undefined;
  /** The shard's start was taken: its newest entry then (history is for replay, not re-broadcast). */
  started(shard: number, newest: string): void;
  /** Resolves once the batch may be delivered (the shards read along with its channels have their start). */
  ready(reply: StreamsReply): Promise<void>;
  deliver(reply: StreamsReply): void;
  /** A read failed (it is retried): counted in the transport's readErrors. */
  failed(): void;
}

export interface ShardReaderOptions {
  blockMs: number;
  count: number;
}

const logger = new Logger('RedisStreamsTransport');

/**
 * The reader of one shard on a Redis Cluster. In a cluster, one command may
 * only name keys of one slot, and every shard has a slot of its own (its hash
 * tag), so a single XREAD over several shards is refused (CROSSSLOT), even for
 * shards on the same node. A blocking XREAD holds its connection, so each
 * shard read gets its own: a duplicate of the client, which follows the slot
 * to whichever master serves it (MOVED, failover) by itself.
 *
 * It takes the shard's start, then XREADs from the last delivered id, and on
 * any error (a master that died, one turned replica, which unblocks its
 * readers) reads again from there, so nothing is skipped or repeated. `stop`
 * disconnects it: its waiting XREAD ends at once and the loop exits, so a
 * shard nobody reads any more holds no connection and no loop.
 */
export class ShardReader {
  private stopped = false;
  private connection: Cluster;

  constructor(
    private readonly shard: number,
    private readonly key: string,
    private readonly open: () => Cluster,
    private readonly host: ShardReaderHost,
    private readonly options: ShardReaderOptions,
  ) {
    this.connection = open();
    void this.readForever();
  }

  stop(): void {
    this.stopped = true;
    this.connection.disconnect();
  }

  private async readForever(): Promise<void> {
    let backoff = 50;
    while (!this.stopped) {
      try {
        await this.readOnce();
        backoff = 50;
      } catch (error) {
        if (this.stopped) return;
        this.host.failed();
        const from = this.host.positionOf(this.shard) ?? 'its start';
        logger.warn(`XREAD of ${this.key} failed (${describeThrown(error).message}); retrying from ${from}`);
        // A cluster connection that gave up for good (its retry strategy said so) is replaced.
        if (this.connection.status === 'end') this.connection = this.open();
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, 1_000);
      }
    }
  }

  private async readOnce(): Promise<void> {
    let from = this.host.positionOf(this.shard);
    if (from === undefined) {
      const newest = (await this.connection.xrevrange(this.key, '+', '-', 'COUNT', 1)) as StreamEntry[];
      if (this.stopped) return;
      from = newest[0]?.[0] ?? '0-0';
      this.host.started(this.shard, from);
    }
    const reply = (await this.connection.xread('COUNT', this.options.count, 'BLOCK', this.options.blockMs, 'STREAMS', this.key, from)) as StreamsReply | null;
    if (this.stopped || !reply) return;
    await this.host.ready(reply);
    // Stopped meanwhile: a reader started since for this shard delivers these itself.
    if (!this.stopped) this.host.deliver(reply);
  }
}
