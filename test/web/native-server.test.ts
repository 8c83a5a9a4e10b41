// app.listen() on the runtime's own server (Deno.serve, Bun.serve) and on
// Node's: what a client sees on the wire, and what a cut or a shutdown does,
// must be the same. On Node this runs Node's server, the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Controller, Get, getSSEStream, type LoggerService, Module, NestFactory, Res, Sse, SseModule, type ExpressResponse } from 'streamnest';
import { eventually, openSse } from '../support/sse-reader.js';

/** The slow handler's state: started once it runs, `release` lets it answer; what its response's close said. */
const slow = { started: false, release: () => {}, closes: [] as string[] };

@Controller()
class WireController {
  @Get('cut')
  cut(@Res() res: ExpressResponse) {
    res.destroy();
  }

  @Get('slow')
  async slow(@Res({ passthrough: true }) res: ExpressResponse) {
    res.on('close', () => slow.closes.push(res.writableFinished ? 'finished' : 'left'));
    slow.started = true;
    await new Promise<void>((resolve) => {
      slow.release = resolve;
    });
    return 'late';
  }

  @Sse('ready', { heartbeat: false })
  ready() {
    const { write, body } = getSSEStream();
    write({ id: 1, data: 'first' });
    return body;
  }

  @Sse('quiet', { heartbeat: false })
  quiet() {
    return getSSEStream().body;
  }

  @Sse('flood', { heartbeat: false, maxBufferedBytes: 256 * 1024 })
  flood() {
    const chunk = 'x'.repeat(64 * 1024);
    // Writes while the client reads nothing: past maxBufferedBytes the session drops it.
    const timer = setInterval(() => write({ data: chunk }), 1);
    const { write, body } = getSSEStream({ cancel: () => clearInterval(timer) });
    return body;
  }
}

@Module({ imports: [SseModule.forRoot()], controllers: [WireController] })
class WireModule {}

/** A logger that keeps what the app reports as errors. */
function recordingLogger(errors: string[]): LoggerService {
  return {
    log() {},
    warn() {},
    debug() {},
    verbose() {},
    error(message: unknown) {
      errors.push(String(message));
    },
  };
}

test('an event stream whose first event is ready at once opens with it, byte for byte; a quiet one still opens at once', async (t) => {
  const app = await NestFactory.create(WireModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  const ready = await openSse(`${app.getUrl()}/ready`);
  assert.equal(await ready.waitFor((s) => s.includes('\n\n')), 'id: 1\ndata: first\n\n');
  ready.close();
  // The head arrives with no event written: the client can open.
  const quiet = await openSse(`${app.getUrl()}/quiet`);
  assert.equal(quiet.status, 200);
  quiet.close();
});

test('a client that stops reading is dropped quietly, and app.close() still finishes while it holds its connection', async (t) => {
  const errors: string[] = [];
  const app = await NestFactory.create(WireModule, { logger: recordingLogger(errors), shutdownTimeout: 200 });
  await app.listen(0, '127.0.0.1');
  const slow = net.connect(Number(new URL(app.getUrl()).port), '127.0.0.1');
  slow.on('error', () => undefined);
  t.after(() => slow.destroy());
  slow.write('GET /flood HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  slow.pause();
  await eventually(() => app.getSseStats().droppedSlow === 1, 20_000, 'the slow client dropped');
  // Deno.serve cannot cut a connection still writing to a client that reads nothing; close() must not wait for it forever.
  await app.close();
  assert.deepEqual(
    errors.filter((e) => !/SN_ERR_SLOW_CLIENT|too slowly/.test(e)),
    [],
    'the cut is the app reporting a slow client, never a server failure',
  );
});

test('a client that leaves before a slow handler answers closes its response at once, as on Node', async (t) => {
  const app = await NestFactory.create(WireModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  const client = net.connect(Number(new URL(app.getUrl()).port), '127.0.0.1');
  client.on('error', () => undefined);
  client.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
  await eventually(() => slow.started, 5000, 'the handler running');
  client.destroy();
  // Deno's `completed` does not see a client that left before the answer: its request signal does.
  await eventually(() => slow.closes.length === 1, 5000, 'the response closed');
  assert.deepEqual(slow.closes, ['left']);
  slow.release();
});

test('a response the app cuts before its head: the client sees the exchange fail, and nothing is logged as a server failure', async (t) => {
  const errors: string[] = [];
  const app = await NestFactory.create(WireModule, { logger: recordingLogger(errors) });
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  // Node cuts the connection; Bun.serve too; Deno.serve cannot before a head, so its 500 breaks instead. Neither takes Response.error().
  await assert.rejects(fetch(`${app.getUrl()}/cut`).then((r) => r.text()));
  assert.equal((await fetch(`${app.getUrl()}/ready`, { method: 'HEAD' })).status, 405, 'the server keeps serving');
  assert.deepEqual(errors, []);
});
