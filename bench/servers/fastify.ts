/** Fastify 5 with @fastify/sse: `reply.sse.keepAlive()` and a Set of replies; publish is `reply.sse.send`. */
import Fastify, { type FastifyReply } from 'fastify';
import { fastifySSE as fastifySse } from '@fastify/sse';
import { control, HOST, PORT } from './control.js';

const replies = new Set<FastifyReply>();
const app = Fastify({ logger: false });
await app.register(fastifySse, { heartbeatInterval: 15_000 });

app.get('/json', async () => ({ hello: 'world' }));
app.get('/sse', { sse: 'only' } as any, async (_req, reply: any) => {
  reply.sse.keepAlive();
  // The plugin only writes its headers with the first event (writeHead does not
  // flush in Node); commit and flush them now so the client sees the stream open.
  reply.sse.sendHeaders();
  reply.raw.flushHeaders();
  replies.add(reply);
  reply.sse.onClose(() => replies.delete(reply));
});

await app.listen({ port: PORT, host: HOST });
control('fastify', app.server, {
  publish(data) {
    for (const r of replies) (r as any).sse.send({ data }).catch(() => replies.delete(r));
  },
  clients: () => replies.size,
});
