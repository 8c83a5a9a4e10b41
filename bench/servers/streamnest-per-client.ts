/**
 * streamnest, per-client streams: `getSSEStream` per client, as the seed page writes it; a broadcast iterates a Set
 * of the clients' `write` functions. Also serves the plain JSON route.
 */
import { Controller, Get, getSSEStream, Module, NestFactory, Sse, type SSEStream } from 'streamnest';
import { control, HOST, PORT } from './control.js';
import { appOptions, listeningApp } from './engine.js';

const writers = new Set<SSEStream['write']>();

@Controller()
class BenchController {
  @Get('/json')
  json() {
    return { hello: 'world' };
  }

  @Get('/sse')
  @Sse()
  sse() {
    const stream = getSSEStream({
      cancel() {
        writers.delete(stream.write);
      },
    });
    writers.add(stream.write);
    return stream.body;
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

// The engine comes from SN_ENGINE (engine.ts); an options object held in a
// variable, so a streamnest that has no `engine` option yet still compiles.
const options = appOptions();
const app = await NestFactory.create(BenchModule, options);
const server = await app.listen(PORT, HOST);
control('streamnest-per-client', listeningApp(app, server), {
  publish(data) {
    for (const write of writers) write({ data });
  },
  clients: () => writers.size,
});
