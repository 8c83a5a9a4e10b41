/**
 * Which stream shard holds a channel: FNV-1a (32 bits) of the channel name's
 * UTF-8 bytes, modulo the shard count. Stable across processes, machines and
 * versions, since every process must put a channel in the same shard.
 */
export function shardOf(channel: string, shards: number): number {
  if (shards === 1) return 0;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(channel, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * The stream key of a shard. One shard keeps the plain key (the format of
 * every release before sharding). Several put the shard number in a Redis
 * Cluster hash tag, `streamnest:events:{3}`: a key's slot is the hash of its
 * tag only, so a shard's stream lives whole on one node.
 */
export function shardKey(key: string, shard: number, shards: number): string {
  return shards === 1 ? key : `${key}:{${shard}}`;
}
