/**
 * streamnest beyond one process: the hub on the Redis Streams transport. The
 * cluster scenario starts several of these on their own ports, all sharing one
 * stream key, publishes through one of them, and counts delivery at every client.
 */
import { Controller, Get, Module, NestFactory, Sse, SseHub, SseModule } from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { control, HOST, PORT } from './control.js';

const CHANNEL = 'bench';
const transport = new RedisStreamsTransport({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  key: process.env.BENCH_KEY ?? 'streamnest:bench',
  maxLen: 1000,
});

@Controller()
class BenchController {
  constructor(private readonly hub: SseHub) {}

  @Get('/sse')
  @Sse()
  sse() {
    return this.hub.subscribe(CHANNEL);
  }
}

@Module({ imports: [SseModule.forRoot({ transport })], controllers: [BenchController] })
class BenchModule {}

const app = await NestFactory.create(BenchModule, { logger: false });
const server = await app.listen(PORT, HOST);
const hub = app.get(SseHub);
control('streamnest-cluster', server, {
  publish(data) {
    hub.publish(CHANNEL, { data }).catch((error) => process.send?.({ type: 'log', error: String(error) }));
  },
  clients: () => hub.stats().subscribers,
});
