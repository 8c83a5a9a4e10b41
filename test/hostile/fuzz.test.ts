// Fuzzing, bounded in time so it can run in CI: random request bytes against a
// live server, random bodies and content types through the body parser, and
// hostile values through the SSE encoder. Nothing may crash the process, none
// may become a 500, and the server must still answer afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fc from 'fast-check';
import { createParser } from 'eventsource-parser';
import { Body, Controller, Get, Param, Post, Query, Sse, getSSEStream, SseFieldError, type SSEMessageEvent } from 'streamnest';
import { encodeEvent } from 'streamnest/sse-protocol';
import { startApp } from '../support/app.js';

@Controller()
class FuzzController {
  @Get('hello') hello() {
    return { hello: 'world' };
  }
  @Get('items/:id') item(@Param('id') id: string, @Query() query: unknown) {
    return { id, query };
  }
  @Post('echo') echo(@Body() body: unknown) {
    return { body };
  }
  @Sse('sse') sse() {
    const { write, end, body } = getSSEStream();
    write({ data: 'one' });
    end();
    return body;
  }
}

const TIME_BOUND = { interruptAfterTimeLimit: 4_000, markInterruptAsFailure: false, numRuns: 100_000 };

function watchProcess(t: { after(fn: () => void): void }) {
  const fatal: unknown[] = [];
  const record = (e: unknown) => fatal.push(e);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  t.after(() => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
  });
  return fatal;
}

/** Sends bytes, half-closes nothing, and returns what came back before the server closed or 1 s passed. */
function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => {
      received += c;
    });
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), 1_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(bytes);
  });
}

const token = fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS', 'HEAD', 'DELETE', 'G\0T', 'get', '');
const target = fc.oneof(
  fc.constantFrom('/hello', '/items/1?x=2', '/sse', '/echo', 'http://x/hello', '//hello', '/%', '/%zz', '/%00', '/..', '*', '/items/%2F%25', '/\x7f'),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `/${s}`),
);
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'HTTP/9', '');
const header = fc.oneof(
  fc.constantFrom(
    'Content-Type: application/json',
    'Content-Type: text/plain; charset=utf-7',
    'Content-Length: 5',
    'Content-Length: -1',
    'Content-Length: 99999999999999999999',
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: gzip, chunked',
    'Accept: text/event-stream',
    'Last-Event-ID: \xff\xfe',
    'Connection: close',
    'Host: x',
    'Expect: 100-continue',
    'X: \r',
    'Content-Length: 1\r\nContent-Length: 2',
  ),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 30 })).map(([k, v]) => `${k}: ${v}`),
);
const body = fc.oneof(
  fc.constant(''),
  fc.constantFrom('{"a":1}', '[[[[', '0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n'),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const request = fc.tuple(token, target, version, fc.array(header, { maxLength: 6 }), body, fc.boolean()).map(([method, path, v, headers, payload, mangle]) => {
  const text = `${method} ${path} ${v}\r\n${headers.join('\r\n')}${headers.length ? '\r\n' : ''}\r\n${payload}`;
  const bytes = Buffer.from(text, 'latin1');
  // Sometimes flip a byte anywhere, request line included.
  if (mangle && bytes.length > 0) bytes[bytes.length >> 1] ^= 0x5a;
  return bytes;
});

test('random request bytes: never a crash, never a 500, and the server still answers', async (t) => {
  const fatal = watchProcess(t);
  const app = await startApp({ controllers: [FuzzController] }, undefined, { http: { headersTimeout: 500, bodyTimeout: 300 } });
  t.after(app.close);
  const port = Number(new URL(app.url).port);
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(request, async (bytes) => {
      runs++;
      const response = await exchange(port, bytes);
      if (response === '') return;
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(response);
      assert.ok(status, `a status line or nothing: ${JSON.stringify(response.slice(0, 80))} for ${JSON.stringify(bytes.toString('latin1').slice(0, 120))}`);
      assert.ok(Number(status[1]) < 500, `${status[1]} for ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
    }),
    TIME_BOUND,
  );
  t.diagnostic(`${runs} random requests`);
  assert.ok(runs > 50);
  assert.deepEqual(fatal, []);
  assert.deepEqual(await (await fetch(`${app.url}/hello`)).json(), { hello: 'world' });
});

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/ld+json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'text/plain; charset=latin1',
    'text/csv; charset=utf-16',
    'application/json; charset="',
    'multipart/form-data',
    ';;',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const bodyText = fc.oneof(
  fc.json({ depthSize: 'large' }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.integer({ min: 1, max: 200 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constantFrom('{"__proto__":{"x":1}}', 'a=1&a=2&__proto__=x', '\uFEFF{}', '{"a":"\\ud800"}', 'null', '1e999'),
);

test('random bodies and content types: 201, 400, 413 or 415, never a 500', async (t) => {
  const fatal = watchProcess(t);
  const app = await startApp({ controllers: [FuzzController] }, undefined, { bodyParser: { limit: 4096, depth: 32 } });
  t.after(app.close);
  const seen = new Set<number>();
  await fc.assert(
    fc.asyncProperty(contentType, bodyText, async (type, text) => {
      const headers: Record<string, string> = {};
      if (type !== '') headers['content-type'] = type;
      let res: Response;
      try {
        res = await fetch(`${app.url}/echo`, { method: 'POST', headers, body: text });
      } catch {
        return; // undici refuses some header values itself: nothing reached the server
      }
      await res.arrayBuffer();
      seen.add(res.status);
      assert.ok([201, 400, 413, 415].includes(res.status), `${res.status} for ${JSON.stringify(type)} ${JSON.stringify(text.slice(0, 80))}`);
    }),
    TIME_BOUND,
  );
  t.diagnostic(`statuses seen: ${[...seen].sort().join(', ')}`);
  assert.deepEqual(fatal, []);
});

const hostileValue = fc.oneof(
  fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true, withSet: true }),
  fc.constantFrom(
    NaN,
    Infinity,
    -0,
    Symbol('s'),
    () => 1,
    10n,
    Object.create(null),
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    ),
  ),
);

test('the SSE encoder, given anything at all, either encodes one parseable event or throws SseFieldError', () => {
  fc.assert(
    fc.property(
      fc.record({ data: hostileValue, id: hostileValue, event: hostileValue, retry: hostileValue, comment: hostileValue }, { requiredKeys: [] }),
      (ev) => {
        let text: string;
        try {
          text = encodeEvent(ev as SSEMessageEvent);
        } catch (error) {
          assert.ok(error instanceof SseFieldError, `only SseFieldError may escape, got ${String((error as Error)?.name)}`);
          assert.equal((error as SseFieldError).code, 'SN_ERR_SSE_FIELD');
          return;
        }
        // An event ends with a blank line; one with no fields at all is that blank line alone, which clients ignore.
        assert.ok(text === '\n' || text.endsWith('\n\n'), `every event ends with a blank line: ${JSON.stringify(text)}`);
        const events: unknown[] = [];
        const parser = createParser({ onEvent: (e) => events.push(e) });
        parser.feed(text);
        assert.ok(events.length <= 1, 'never more than one event');
      },
    ),
    { numRuns: 5_000 },
  );
});
