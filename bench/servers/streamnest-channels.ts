/**
 * Many private channels across processes: the hub on the Redis Streams
 * transport, each client on its own channel `user:<id>` (`GET /sse?user=<id>`).
 * The many-channels scenario (channels.mjs) starts several of these on one
 * fresh key, with one stream (BENCH_SHARDS=1) or several, plus one more that
 * holds no clients and only publishes, at a steady rate, to random users.
 *
 * Beyond control.ts's commands, it answers:
 *   { cmd: 'usage' }  -> its CPU use so far (process.cpuUsage), the stream entries
 *                        its transport read from Redis, the hub's writes to local
 *                        subscribers, its subscribers and the shards it reads
 *   { cmd: 'publish-users', batch, users, rate, seconds, only? }
 *                     -> publishes rate × seconds events, each to one random user
 *                        of 0…users-1 (or of the ids in `only`), at `rate` per second; each event's data is
 *                        `t=<hrtime ns> b=<batch> s=<that user's sequence number>`;
 *                        answers once every publish has settled, with how many
 *                        each user was sent
 */
import { Redis } from 'ioredis';
import { Controller, Get, Module, NestFactory, Query, Sse, SseHub, SseModule } from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { control, HOST, PORT } from './control.js';

/** Stream entries this process read from Redis: every event of the shards it reads, whether or not a local client wants it. */
let entriesRead = 0;

/**
 * The transport's own client, as it would make one, except that its blocking
 * reader (the client's duplicate, as the option documents) counts the entries
 * each XREAD returns.
 */
function countingClient(url: string): Redis {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 5_000 });
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override) => {
    const reader = duplicate(override);
    const xread = reader.xread.bind(reader) as (...args: unknown[]) => Promise<[string, unknown[]][] | null>;
    (reader as any).xread = async (...args: unknown[]) => {
      const reply = await xread(...args);
      for (const [, entries] of reply ?? []) entriesRead += entries.length;
      return reply;
    };
    return reader;
  };
  return client;
}

const transport = new RedisStreamsTransport({
  client: countingClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
  key: process.env.BENCH_KEY ?? 'streamnest:bench:channels',
  shards: Number(process.env.BENCH_SHARDS ?? 1),
});

@Controller()
class ChannelsController {
  constructor(private readonly hub: SseHub) {}

  @Get('/sse')
  @Sse()
  sse(@Query('user') user: string) {
    return this.hub.subscribe(`user:${user}`);
  }
}

@Module({ imports: [SseModule.forRoot({ transport })], controllers: [ChannelsController] })
class ChannelsModule {}

const app = await NestFactory.create(ChannelsModule, { logger: false });
const server = await app.listen(PORT, HOST);
const hub = app.get(SseHub);

/** Publishes at a steady rate: each tick sends what is due by the clock, so timer jitter does not change the rate. */
function publishUsers(m: { batch: number; users: number; rate: number; seconds: number; only?: number[] }): Promise<Record<string, unknown>> {
  const total = Math.round(m.rate * m.seconds);
  const sent = new Uint32Array(m.users);
  const started = process.hrtime.bigint();
  let issued = 0;
  let settled = 0;
  let failed = 0;
  let firstError = '';
  return new Promise((resolve) => {
    const done = () => {
      if (issued < total || settled < issued) return;
      resolve({
        sent: issued,
        failed,
        firstError,
        startedAt: String(started),
        publishMs: Number(process.hrtime.bigint() - started) / 1e6,
        counts: Array.from(sent),
      });
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((Number(process.hrtime.bigint() - started) / 1e9) * m.rate) + 1);
      for (; issued < due; issued++) {
        const user = m.only ? m.only[Math.floor(Math.random() * m.only.length)]! : Math.floor(Math.random() * m.users);
        const seq = sent[user]++;
        hub
          .publish(`user:${user}`, { data: `t=${process.hrtime.bigint()} b=${m.batch} s=${seq}` })
          .catch((error) => {
            failed++;
            firstError ||= String((error as Error)?.message ?? error);
          })
          .finally(() => {
            settled++;
            done();
          });
      }
      if (issued < total) setTimeout(tick, 5);
    };
    tick();
  });
}

control(
  'streamnest-channels',
  server,
  {
    publish(data) {
      hub.publish('user:0', { data }).catch((error) => process.send?.({ type: 'log', error: String(error) }));
    },
    clients: () => hub.stats().subscribers,
  },
  {
    usage: () => {
      const cpu = process.cpuUsage();
      const stats = hub.stats();
      return {
        cpuMs: (cpu.user + cpu.system) / 1e3,
        read: entriesRead,
        delivered: stats.delivered,
        subscribers: stats.subscribers,
        reading: transport.stats().reading,
      };
    },
    'publish-users': publishUsers,
  },
);
