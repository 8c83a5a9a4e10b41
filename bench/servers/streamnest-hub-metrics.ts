/**
 * streamnest, hub path with metrics on: the same app as streamnest-hub.ts,
 * plus `SseMetricsModule.forRoot()` (prom-client), so every stream is metered
 * and every event's fan-out is timed. Run beside streamnest-hub to measure
 * what metrics cost: its sustained fan-out should stay within 10% of it.
 */
import { Controller, Get, Module, NestFactory, Sse, SseHub, SseModule } from 'streamnest';
import { SseMetricsModule } from 'streamnest/metrics';
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

@Module({ imports: [SseModule.forRoot(), SseMetricsModule.forRoot({ path: '/metrics' })], controllers: [BenchController] })
class BenchModule {}

const app = await NestFactory.create(BenchModule, { logger: false });
const server = await app.listen(PORT, HOST);
control('streamnest-hub-metrics', server, {
  publish(data) {
    if (!hubRef) throw new Error('SseHub was never injected');
    const result: unknown = hubRef.publish(CHANNEL, { data });
    if (result && typeof (result as Promise<unknown>).catch === 'function') {
      (result as Promise<unknown>).catch((error) => process.send?.({ type: 'log', error: String(error) }));
    }
  },
  clients: () => hubRef?.stats().subscribers ?? 0,
});
