/** NestJS on Fastify (@nestjs/platform-fastify). */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BenchModule, events } from './nest-app.js';
import { control, HOST, PORT } from './control.js';

const app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), { logger: false });
await app.listen(PORT, HOST);
control('nest-fastify', app.getHttpServer(), {
  publish(data) {
    events.next({ data });
  },
  clients: () => (events as any).observers?.length ?? -1,
});
