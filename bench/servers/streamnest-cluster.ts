/**
 * streamnest beyond one process: the hub app (hub-app.ts) on the Redis Streams
 * transport. The cluster and moonshot scenarios start several of these, all
 * sharing one stream key, publish through one of them, and count delivery at
 * every client.
 */
import { RedisStreamsTransport } from 'streamnest/redis';
import { startHubBench } from './hub-app.js';

const transport = new RedisStreamsTransport({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  key: process.env.BENCH_KEY ?? 'streamnest:bench',
  maxLen: 1000,
});

await startHubBench('streamnest-cluster', [], { transport });
