/** NestJS on Express (@nestjs/platform-express). */
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { BenchModule, events } from './nest-app.js';
import { control, HOST, PORT } from './control.js';

const app = await NestFactory.create(BenchModule, new ExpressAdapter(), { logger: false });
await app.listen(PORT, HOST);
control('nest-express', app.getHttpServer(), {
  publish(data) {
    events.next({ data });
  },
  clients: () => (events as any).observers?.length ?? -1,
});
