/**
 * Which shards this process must read, and for each channel, which shards its
 * local subscribers read along with it. Counted per subscription: a shard is
 * read while at least one local subscription has a channel in it.
 */
export class ShardInterest {
  /** Shard → local subscriptions with a channel in it. */
  private readonly shardRefs = new Map<number, number>();
  /** Channel → (shard → local subscriptions of that channel reading that shard). */
  private readonly alongside = new Map<string, Map<number, number>>();

  constructor(private readonly shardOf: (channel: string) => number) {}

  /** A subscription attached. Returns the shards it is the first to need. */
  watch(channels: readonly string[]): number[] {
    const shards = this.shardsOf(channels);
    for (const channel of channels) {
      let counts = this.alongside.get(channel);
      if (!counts) this.alongside.set(channel, (counts = new Map()));
      for (const shard of shards) counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    const added: number[] = [];
    for (const shard of shards) {
      const refs = this.shardRefs.get(shard) ?? 0;
      if (refs === 0) added.push(shard);
      this.shardRefs.set(shard, refs + 1);
    }
    return added;
  }

  /** A subscription detached. Returns the shards nobody here needs any more. */
  unwatch(channels: readonly string[]): number[] {
    const shards = this.shardsOf(channels);
    for (const channel of channels) {
      const counts = this.alongside.get(channel);
      if (!counts) continue;
      for (const shard of shards) decrement(counts, shard);
      if (counts.size === 0) this.alongside.delete(channel);
    }
    const removed: number[] = [];
    for (const shard of shards) if (decrement(this.shardRefs, shard) === 0) removed.push(shard);
    return removed;
  }

  /** The shards read along with this channel (its own among them), or undefined when it has no local subscriber. */
  shardsWith(channel: string): Iterable<number> | undefined {
    return this.alongside.get(channel)?.keys();
  }

  get shards(): number[] {
    return [...this.shardRefs.keys()].sort((a, b) => a - b);
  }

  private shardsOf(channels: readonly string[]): Set<number> {
    return new Set(channels.map(this.shardOf));
  }
}

function decrement(counts: Map<number, number>, key: number): number {
  const left = (counts.get(key) ?? 0) - 1;
  if (left <= 0) counts.delete(key);
  else counts.set(key, left);
  return Math.max(left, 0);
}
