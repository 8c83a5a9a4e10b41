/** The floor: bare node:http. JSON as in the brief; SSE writes one pre-encoded Buffer to every response. */
import http from 'node:http';
import { control, HOST, PORT } from './control.js';

const subscribers = new Set<http.ServerResponse>();

const server = http.createServer((req, res) => {
  if (req.url === '/json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hello: 'world' }));
    return;
  }
  if (req.url === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
    return;
  }
  res.writeHead(404).end();
});

server.listen(PORT, HOST, () => {
  control('raw', server, {
    publish(data) {
      const chunk = Buffer.from(`data: ${data}\n\n`);
      for (const res of subscribers) res.write(chunk);
    },
    clients: () => subscribers.size,
  });
});
