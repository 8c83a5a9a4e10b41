/**
 * The floor on Deno and Bun: their native server with no framework. `/json`
 * answers the same JSON as raw node:http (`JSON.stringify` per request);
 * `/sse` is a web ReadableStream per client, and a broadcast enqueues one
 * pre-encoded chunk into every stream's controller. With SAME_HEADERS=1 the
 * JSON carries the headers streamnest's does (its type and `nosniff`): on
 * Deno.serve a response's second header has a cost of its own.
 */
import { control, HOST, PORT } from './control.js';
import { serveWeb } from './web-serve.js';

const encoder = new TextEncoder();
const subscribers = new Set<ReadableStreamDefaultController<Uint8Array>>();
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
// A comment first, so the runtime sends the headers now rather than with the first event.
const HELLO = encoder.encode(':\n\n');
const JSON_HEADERS: Record<string, string> =
  process.env.SAME_HEADERS === '1'
    ? { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' }
    : { 'content-type': 'application/json' };

function sse(): Response {
  let own: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      own = controller;
      subscribers.add(controller);
      controller.enqueue(HELLO);
    },
    cancel() {
      subscribers.delete(own);
    },
  });
  return new Response(body, { headers: SSE_HEADERS });
}

const server = await serveWeb(
  (request) => {
    const path = new URL(request.url).pathname;
    if (path === '/json') return new Response(JSON.stringify({ hello: 'world' }), { headers: JSON_HEADERS });
    if (path === '/sse') return sse();
    return new Response(null, { status: 404 });
  },
  PORT,
  HOST,
);

control('bare-web', server, {
  publish(data) {
    const chunk = encoder.encode(`data: ${data}\n\n`);
    for (const c of subscribers) {
      try {
        c.enqueue(chunk);
      } catch {
        subscribers.delete(c);
      }
    }
  },
  clients: () => subscribers.size,
});
