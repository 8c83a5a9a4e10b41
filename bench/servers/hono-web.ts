/**
 * Hono on the runtime's native server (`Deno.serve` / `Bun.serve`), per-client
 * streams the way Hono's docs write a stream: each client's `streamSSE`
 * callback runs its own loop, awaiting the next events in its own inbox and
 * writing them with `writeSSE`. A broadcast pushes the data into every inbox.
 * Also serves `/json` with `c.json`.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { control, HOST, PORT } from './control.js';
import { serveWeb } from './web-serve.js';

/** One client's pending events and the wake-up of its loop. */
class Inbox {
  pending: string[] = [];
  closed = false;
  private wake: (() => void) | undefined;

  push(data: string): void {
    this.pending.push(data);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Everything queued, waiting until there is something or the client is gone. */
  async take(): Promise<string[]> {
    while (!this.pending.length && !this.closed) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

const inboxes = new Set<Inbox>();
const app = new Hono();

app.get('/json', (c) => c.json({ hello: 'world' }));
app.get('/sse', (c) =>
  streamSSE(c, async (stream) => {
    const inbox = new Inbox();
    inboxes.add(inbox);
    stream.onAbort(() => {
      inboxes.delete(inbox);
      inbox.close();
    });
    // Flush the headers now rather than with the first event.
    await stream.write(':\n\n');
    while (!inbox.closed) for (const data of await inbox.take()) await stream.writeSSE({ data });
  }),
);

const server = await serveWeb(app.fetch, PORT, HOST);
control('hono-web', server, {
  publish(data) {
    for (const inbox of inboxes) inbox.push(data);
  },
  clients: () => inboxes.size,
});
