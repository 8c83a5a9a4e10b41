/// <reference types="node" preserve="true" />
/** streamnest/redis: the Redis Streams transport for the SSE hub. Needs the optional peer dependency `ioredis`. */
export { RedisStreamsTransport, type RedisClusterConnection, type RedisStreamsTransportOptions } from './redis-streams-transport.js';
export { compareStreamIds } from './stream-id.js';
/** Which shard holds a channel: for a load balancer that places users by shard, so each process reads only its shards. */
export { shardOf } from './shard-map.js';
export type { RedisStreamsStats } from './redis-streams-transport.js';
