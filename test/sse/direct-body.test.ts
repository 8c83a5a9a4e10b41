import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Controller, Get, Res } from 'streamnest';
import { startApp } from '../support/app.js';
import { eventually } from '../support/sse-reader.js';
import { ENGINE, RUNTIME } from '../runtimes/skips.js';

/**
 * Bun.serve's event streams go out through a direct stream (src/http/web/direct-body.ts):
 * bytes written before Bun pulls it, a stream ended or cut before then, backpressure
 * from the socket, and a client that leaves. Only Bun.serve has direct streams; the
 * same behaviours on the other servers are the other sse/ tests'.
 */
const skip =
  RUNTIME === 'bun' && ENGINE === 'web' ? false : 'Bun.serve only: the other servers have no direct streams (the rest of test/sse covers them there)';

interface Response {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: string): boolean;
  end(chunk?: string): void;
  destroy(): void;
  once(event: string, listener: () => void): void;
  on(event: string, listener: () => void): void;
  readonly writableLength: number;
}

const EVENT_STREAM = { 'content-type': 'text/event-stream' };
/** What the flood writes at most: far more than a paused client's socket buffers hold. */
const FLOOD_BYTES = 64 * 1024 * 1024;
const flood = { written: 0, waiting: false, unsentWhenRefused: 0, closes: 0 };

@Controller('direct')
class DirectController {
  /** Written and ended in the handler's own turn, before Bun has pulled the body. */
  @Get('early-end')
  earlyEnd(@Res() res: Response) {
    res.writeHead(200, EVENT_STREAM);
    res.write('data: a\n\n');
    res.end('data: b\n\n');
  }

  /** Written, then cut, before Bun has pulled the body. */
  @Get('early-cut')
  earlyCut(@Res() res: Response) {
    res.writeHead(200, EVENT_STREAM);
    res.write('data: a\n\n');
    res.destroy();
  }

  /** Writes 64 KiB events as fast as `write` allows, waiting for `drain` each time it says wait. */
  @Get('flood')
  flood(@Res() res: Response) {
    res.writeHead(200, EVENT_STREAM);
    res.on('close', () => flood.closes++);
    const chunk = `data: ${'x'.repeat(64 * 1024)}\n\n`;
    const fill = () => {
      flood.waiting = false;
      while (flood.written < FLOOD_BYTES) {
        flood.written += chunk.length;
        if (!res.write(chunk)) {
          flood.waiting = true;
          flood.unsentWhenRefused = res.writableLength;
          res.once('drain', fill);
          return;
        }
      }
    };
    fill();
  }
}

test('direct stream: events written and ended before Bun pulls the body all arrive, then the end', { skip }, async (t) => {
  const { url, close } = await startApp({ controllers: [DirectController] });
  t.after(close);
  const response = await fetch(`${url}/direct/early-end`);
  assert.equal(await response.text(), 'data: a\n\ndata: b\n\n');
});

test('direct stream: a stream cut before Bun pulls the body is cut, not ended', { skip }, async (t) => {
  const { url, close } = await startApp({ controllers: [DirectController] });
  t.after(close);
  // Bun cuts the connection, before the head or after it: either way the client never sees an end.
  await assert.rejects(async () => (await fetch(`${url}/direct/early-cut`)).text());
});

test('direct stream: a client that reads nothing holds the writer back, drain comes when it reads, and close once when it leaves', { skip }, async (t) => {
  const { url, close } = await startApp({ controllers: [DirectController] });
  t.after(close);
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.write('GET /direct/flood HTTP/1.1\r\nHost: x\r\n\r\n');
  socket.pause();
  // Held back: waiting for drain, the total written steady, well short of the flood.
  let last = -1;
  await eventually(
    async () => {
      const steady = flood.waiting && flood.written === last;
      last = flood.written;
      await new Promise((r) => setTimeout(r, 200));
      return steady && flood.waiting && flood.written === last;
    },
    10_000,
    'the writer held back',
  );
  assert.ok(flood.written < FLOOD_BYTES / 2, `held back after ${flood.written} bytes`);
  assert.ok(flood.unsentWhenRefused >= 16 * 1024, `unsent bytes counted when write said wait: ${flood.unsentWhenRefused}`);
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  socket.resume();
  await eventually(() => flood.written >= FLOOD_BYTES && received >= FLOOD_BYTES, 30_000, 'everything written and read');
  socket.destroy();
  await eventually(() => flood.closes === 1, 5000, 'close');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(flood.closes, 1, 'close once');
});
