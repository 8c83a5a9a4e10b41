// N processes sharing one port, one hub across them on Redis Streams
// (the stream's key is REDIS_KEY, by default streamnest:example:chat).
// One process holds fewer than 20,000 sockets here (the open-file limit), so past
// that, run several and let Redis carry every event to each of them.
//   REDIS_URL=redis://127.0.0.1:6379 WORKERS=3 PORT=2000 node build/examples/cluster/main.js
// On Deno, give each worker Deno.serve, which binds the port itself with reusePort
// (Deno's node:cluster hand-over of connections loses one now and then under load):
//   STREAMNEST_ENGINE=web deno run -A --unstable-net build/examples/cluster/main.js
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { NestFactory } from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { chatModule } from '../hub/app.module.js';

const workers = Number(process.env.WORKERS ?? availableParallelism());

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  // A worker that dies is replaced; on SIGTERM the workers shut down gracefully and the primary follows.
  cluster.on('exit', (worker, code, signal) => {
    if (!shuttingDown) {
      console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      cluster.fork();
    }
  });
  let shuttingDown = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      shuttingDown = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    });
  }
} else {
  const transport = new RedisStreamsTransport({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    key: process.env.REDIS_KEY ?? 'streamnest:example:chat',
  });
  const app = await NestFactory.create(chatModule(transport));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
}
