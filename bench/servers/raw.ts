/**
 * The floor: bare node:http. JSON as in the brief; SSE writes one pre-encoded Buffer to every response.
 * With SAME_HEADERS=1 the JSON carries the headers streamnest's does (its type and `nosniff`).
 */
import http from 'node:http';
import { control, HOST, PORT } from './control.js';

const JSON_HEADERS: http.OutgoingHttpHeaders =
  process.env.SAME_HEADERS === '1'
    ? { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' }
    : { 'content-type': 'application/json' };

const subscribers = new Set<http.ServerResponse>();

const server = http.createServer((req, res) => {
  if (req.url === '/json') {
    res.writeHead(200, JSON_HEADERS);
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
