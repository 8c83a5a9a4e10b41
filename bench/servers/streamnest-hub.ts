/**
 * streamnest, hub path: `SseModule.forRoot()` + `SseHub`. The handler returns
 * `hub.subscribe(channel)`; a broadcast is `hub.publish(channel, { data })`,
 * which encodes once and writes the same bytes to every session.
 */
import { Controller, Get, Module, NestFactory, Sse, SseHub, SseModule } from 'streamnest';
import { control, HOST, PORT } from './control.js';

const CHANNEL = 'bench';
let hubRef: SseHub | undefined;

@Controller()
class BenchController {
  constructor(private readonly hub: SseHub) {
    hubRef = hub;
  }

  @Get('/sse')
  @Sse()
  sse() {
    return this.hub.subscribe(CHANNEL);
  }
}

@Module({ imports: [SseModule.forRoot()], controllers: [BenchController] })
class BenchModule {}

const app = await NestFactory.create(BenchModule, { logger: false });
const server = await app.listen(PORT, HOST);
control('streamnest-hub', server, {
  publish(data) {
    if (!hubRef) throw new Error('SseHub was never injected');
    const result: unknown = hubRef.publish(CHANNEL, { data });
    if (result && typeof (result as Promise<unknown>).catch === 'function') {
      (result as Promise<unknown>).catch((error) => process.send?.({ type: 'log', error: String(error) }));
    }
  },
  clients: () => hubRef?.stats().subscribers ?? 0,
});
