import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { Controller, Get, Header, Res, StreamableFile } from 'streamnest';
import { runtimeSkip } from '../runtimes/skips.js';
import { startApp } from '../support/app.js';
import { call, CaptureLogger, eventually } from './support.js';

let endless: Readable | undefined;

/** A stream that sends `before` chunks, then fails. */
function failingAfter(before: number, message: string): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < before) {
        sent++;
        this.push(Buffer.alloc(1024, 97));
        return;
      }
      setImmediate(() => this.destroy(new Error(message)));
    },
  });
}

@Controller('s')
class FilesController {
  @Get('buffer') buffer() {
    return new StreamableFile(Buffer.from('hello bytes'));
  }
  @Get('uint8') uint8() {
    return new StreamableFile(new Uint8Array([1, 2, 3, 4]));
  }
  @Get('stream') stream() {
    return new StreamableFile(Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]), {
      type: 'text/csv',
      disposition: 'attachment; filename="data.csv"',
      length: 8,
    });
  }
  @Get('own-type') @Header('Content-Type', 'application/pdf') ownType() {
    return new StreamableFile(Buffer.from('%PDF-1.7'), { type: 'text/plain' });
  }
  @Get('passthrough') passthrough(@Res({ passthrough: true }) res: ServerResponse) {
    res.setHeader('Content-Disposition', 'inline');
    return new StreamableFile(Buffer.from('x'), { disposition: 'attachment' });
  }
  @Get('fails-first') failsFirst() {
    return new StreamableFile(failingAfter(0, 'disk read failed'));
  }
  @Get('fails-later') failsLater() {
    return new StreamableFile(failingAfter(64, 'disk died midway'));
  }
  @Get('custom-handler') customHandler() {
    return new StreamableFile(failingAfter(0, 'nope')).setErrorHandler((error, res) => {
      res.statusCode = 503;
      res.send(`custom: ${error.message}`);
    });
  }
  @Get('throwing-handler') throwingHandler() {
    return new StreamableFile(failingAfter(0, 'nope')).setErrorHandler(() => {
      throw new Error('handler bug');
    });
  }
  @Get('quiet') quiet() {
    const seen: string[] = [];
    return new StreamableFile(failingAfter(0, 'quiet failure')).setErrorLogger((error) => {
      seen.push(error.message);
    });
  }
  @Get('endless') endless() {
    endless = new Readable({
      read() {
        this.push(Buffer.alloc(16 * 1024, 98));
      },
    });
    return new StreamableFile(endless);
  }
}

test('a StreamableFile from a Buffer or a Uint8Array goes out as application/octet-stream with its length', async (t) => {
  const { url, close } = await startApp({ controllers: [FilesController] });
  t.after(close);
  const buffer = await fetch(`${url}/s/buffer`);
  assert.equal(buffer.status, 200);
  assert.equal(buffer.headers.get('content-type'), 'application/octet-stream');
  assert.equal(buffer.headers.get('content-length'), '11');
  assert.equal(await buffer.text(), 'hello bytes');
  const uint8 = await fetch(`${url}/s/uint8`);
  assert.equal(uint8.headers.get('content-length'), '4');
  assert.deepEqual([...new Uint8Array(await uint8.arrayBuffer())], [1, 2, 3, 4]);
});

test('a StreamableFile from a stream sends its type, disposition and length; headers the handler set win', async (t) => {
  const { url, close } = await startApp({ controllers: [FilesController] });
  t.after(close);
  const csv = await fetch(`${url}/s/stream`);
  assert.equal(csv.headers.get('content-type'), 'text/csv');
  assert.equal(csv.headers.get('content-disposition'), 'attachment; filename="data.csv"');
  assert.equal(csv.headers.get('content-length'), '8');
  assert.equal(await csv.text(), 'a,b\n1,2\n');
  assert.equal((await fetch(`${url}/s/own-type`)).headers.get('content-type'), 'application/pdf');
  assert.equal((await fetch(`${url}/s/passthrough`)).headers.get('content-disposition'), 'inline');
  const head = await fetch(`${url}/s/stream`, { method: 'HEAD' });
  assert.equal(head.headers.get('content-type'), 'text/csv');
  assert.equal(await head.text(), '');
});

test('a read error before any byte is a 400 with its message and a log line; after, the response is cut', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [FilesController] }, undefined, { logger });
  t.after(close);
  const first = await call(`${url}/s/fails-first`);
  assert.equal(first.status, 400);
  assert.equal(first.text, 'disk read failed');
  assert.match(first.headers.get('content-type')!, /^text\/plain/);
  assert.match(logger.text(), /disk read failed/);
  const later = await fetch(`${url}/s/fails-later`);
  assert.equal(later.status, 200);
  await assert.rejects(later.arrayBuffer());
  assert.match(logger.text(), /disk died midway/);
  assert.equal((await call(`${url}/s/buffer`)).text, 'hello bytes');
});

test(
  'setErrorHandler and setErrorLogger replace the defaults; a throwing handler is logged and the process lives',
  runtimeSkip('core: a throwing StreamableFile error handler cuts the response'),
  async (t) => {
    const logger = new CaptureLogger();
    const { url, close } = await startApp({ controllers: [FilesController] }, undefined, { logger });
    t.after(close);
    const custom = await call(`${url}/s/custom-handler`);
    assert.equal(custom.status, 503);
    assert.equal(custom.text, 'custom: nope');
    await assert.rejects(fetch(`${url}/s/throwing-handler`).then((r) => r.text()));
    await eventually(() => /handler bug/.test(logger.text()), 'the handler error to be logged');
    const before = logger.lines.length;
    assert.equal((await call(`${url}/s/quiet`)).status, 400);
    assert.doesNotMatch(
      logger.lines
        .slice(before)
        .map((l) => l.message)
        .join('\n'),
      /quiet failure/,
    );
    assert.equal((await call(`${url}/s/buffer`)).text, 'hello bytes');
  },
);

test('a client that goes away stops the file being read', async (t) => {
  const { url, close } = await startApp({ controllers: [FilesController] });
  t.after(close);
  const controller = new AbortController();
  const res = await fetch(`${url}/s/endless`, { signal: controller.signal });
  const reader = res.body!.getReader();
  await reader.read();
  controller.abort();
  await eventually(() => endless?.destroyed === true, 'the source to be destroyed');
});

test('StreamableFile itself: headers, stream, and a clear error for what is not bytes or a stream', () => {
  const file = new StreamableFile(Buffer.from('abc'));
  assert.deepEqual(file.getHeaders(), { type: 'application/octet-stream', disposition: undefined, length: 3 });
  assert.ok(file.getStream() instanceof Readable);
  assert.deepEqual(new StreamableFile(Readable.from([]), { type: 'image/png', disposition: ['a', 'b'] }).getHeaders(), {
    type: 'image/png',
    disposition: ['a', 'b'],
    length: undefined,
  });
  assert.throws(
    () => new StreamableFile('text' as never),
    (error: Error & { code?: string }) => error.code === 'SN_ERR_NOT_A_STREAM',
  );
  assert.equal(typeof file.errorHandler, 'function');
  assert.equal(typeof file.errorLogger, 'function');
});
