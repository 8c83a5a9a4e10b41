/** Hono on @hono/node-server: `c.json` and `streamSSE`, broadcasting to a Set of SSE streams. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { control, HOST, PORT } from './control.js';

const streams = new Set<SSEStreamingApi>();
const app = new Hono();

app.get('/json', (c) => c.json({ hello: 'world' }));
app.get('/sse', (c) =>
  streamSSE(c, async (stream) => {
    streams.add(stream);
    // Flush the headers now rather than with the first event.
    await stream.write(':\n\n');
    await new Promise<void>((resolve) => stream.onAbort(() => resolve()));
    streams.delete(stream);
  }),
);

const server = serve({ fetch: app.fetch, port: PORT, hostname: HOST }, () => {
  control('hono', server, {
    publish(data) {
      for (const s of streams) s.writeSSE({ data }).catch(() => streams.delete(s));
    },
    clients: () => streams.size,
  });
});
