/**
 * The hub bench app: `SseModule.forRoot()` + `SseHub`, whose handler returns
 * `hub.subscribe(channel)` and whose broadcast is `hub.publish(channel, { data })`.
 * streamnest-hub.ts runs it alone; streamnest-hub-metrics.ts with metrics on,
 * so the two differ in that module only; streamnest-cluster.ts on Redis.
 */
import { Controller, Get, Module, NestFactory, Sse, SseHub, SseModule, type DynamicModule, type SseModuleOptions } from 'streamnest';
import { control, HOST, PORT } from './control.js';
import { appOptions, listeningApp } from './engine.js';

const CHANNEL = 'bench';

export async function startHubBench(name: string, extraImports: DynamicModule[] = [], hubOptions: SseModuleOptions = {}): Promise<void> {
  @Controller()
  class BenchController {
    constructor(private readonly hub: SseHub) {}

    @Get('/sse')
    @Sse()
    sse() {
      return this.hub.subscribe(CHANNEL);
    }
  }

  @Module({ imports: [SseModule.forRoot(hubOptions), ...extraImports], controllers: [BenchController] })
  class BenchModule {}

  // The engine comes from SN_ENGINE (engine.ts); see streamnest-per-client.ts.
  const options = appOptions();
  const app = await NestFactory.create(BenchModule, options);
  const server = await app.listen(PORT, HOST);
  const hub = app.get(SseHub);
  control(name, listeningApp(app, server), {
    publish(data) {
      hub.publish(CHANNEL, { data }).catch((error) => process.send?.({ type: 'log', error: String(error) }));
    },
    clients: () => hub.stats().subscribers,
  });
}
