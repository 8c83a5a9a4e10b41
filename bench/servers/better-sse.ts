/** better-sse on node:http: one Channel, every session registered to it, `channel.broadcast`. */
import http from 'node:http';
import { createChannel, createSession } from 'better-sse';
import { control, HOST, PORT } from './control.js';

const channel = createChannel();

const server = http.createServer(async (req, res) => {
  if (req.url === '/sse') {
    const session = await createSession(req, res, { serializer: (d: unknown) => String(d) });
    channel.register(session);
    return;
  }
  if (req.url === '/json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hello: 'world' }));
    return;
  }
  res.writeHead(404).end();
});

server.listen(PORT, HOST, () => {
  control('better-sse', server, {
    publish(data) {
      channel.broadcast(data);
    },
    clients: () => channel.sessionCount,
  });
});
