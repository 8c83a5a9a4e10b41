/**
 * Hono on the runtime's native server, with the broadcast hub a Hono user
 * writes: channels mapping to the `streamSSE` streams subscribed to them; a
 * publish calls `writeSSE` on each (not awaited, so one slow client does not
 * hold up the rest) and drops a stream whose write fails or that is aborted.
 */
import { Hono } from 'hono';
import { type SSEMessage, type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { control, HOST, PORT } from './control.js';
import { serveWeb } from './web-serve.js';

class Hub {
  private readonly channels = new Map<string, Set<SSEStreamingApi>>();

  subscribe(channel: string, stream: SSEStreamingApi): void {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(stream);
    stream.onAbort(() => this.unsubscribe(channel, stream));
  }

  unsubscribe(channel: string, stream: SSEStreamingApi): void {
    const set = this.channels.get(channel);
    set?.delete(stream);
    if (set?.size === 0) this.channels.delete(channel);
  }

  publish(channel: string, message: SSEMessage): void {
    for (const stream of this.channels.get(channel) ?? []) stream.writeSSE(message).catch(() => this.unsubscribe(channel, stream));
  }

  size(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }
}

const CHANNEL = 'bench';
const hub = new Hub();
const app = new Hono();

app.get('/sse', (c) =>
  streamSSE(c, async (stream) => {
    hub.subscribe(CHANNEL, stream);
    // Flush the headers now rather than with the first event.
    await stream.write(':\n\n');
    await new Promise<void>((resolve) => stream.onAbort(resolve));
  }),
);

const server = await serveWeb(app.fetch, PORT, HOST);
control('hono-web-hub', server, {
  publish(data) {
    hub.publish(CHANNEL, { data });
  },
  clients: () => hub.size(CHANNEL),
});
