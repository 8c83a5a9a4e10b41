import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { SseTestClient } from 'streamnest/testing';
import { AppController } from '../../examples/sse/app.controller.js';
import { startApp } from '../support/app.js';

/** A bare server that writes the given chunks, to test the client's parser on any bytes. */
async function serveChunks(chunks: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) {
      res.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

test('SseTestClient against the seed endpoints: events, names and carried-over ids', async (t) => {
  const { url, close } = await startApp({ controllers: [AppController] });
  t.after(close);
  const client = await SseTestClient.connect(`${url}/sse2`);
  t.after(() => client.close());
  assert.equal(client.status, 200);
  const events = await client.take(2, 5000);
  assert.deepEqual(
    events.map((e) => [e.type, e.lastEventId, JSON.parse(e.data)]),
    [
      ['myEvent', '1', { hello: 'world' }],
      ['myEvent', '2', { hello: 'world' }],
    ],
  );
  assert.equal(client.retry, 5000);
});

test('SseTestClient parses any mix of CR, LF and CRLF, split anywhere, as eventsource-parser does', async () => {
  const line = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((s) => !/[\r\n]/.test(s));
  const field = fc.oneof(
    line.map((v) => `data:${v}`),
    line.map((v) => `data: ${v}`),
    line.map((v) => `event: ${v}`),
    fc.stringMatching(/^[a-z0-9]{0,4}$/).map((v) => `id: ${v}`),
    fc.nat(9999).map((n) => `retry: ${n}`),
    line.map((v) => `: ${v}`),
    fc.constant(''),
    fc.constant('data'),
  );
  const ending = fc.constantFrom('\n', '\r', '\r\n');
  const stream = fc
    .array(
      fc.tuple(field, ending).map(([f, e]) => f + e),
      { minLength: 1, maxLength: 30 },
    )
    .map((parts) => `${parts.join('')}\n\n`);
  await fc.assert(
    fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 6 }), async (wire, cuts) => {
      // Cut between code points: the server writes each chunk as UTF-8, and half a surrogate pair is not a string it can encode.
      const codePoints = Array.from(wire);
      const points = [...new Set(cuts.map((c) => c % (codePoints.length + 1)))].sort((a, b) => a - b);
      const chunks = [];
      let start = 0;
      for (const p of [...points, codePoints.length]) {
        chunks.push(codePoints.slice(start, p).join(''));
        start = p;
      }
      const expected: EventSourceMessage[] = [];
      const parser = createParser({ onEvent: (e) => expected.push(e) });
      parser.feed(wire);
      const server = await serveChunks(chunks.filter((c) => c !== ''));
      try {
        const client = await SseTestClient.connect(server.url);
        await client.closed;
        assert.deepEqual(
          client.events.map((e) => [e.type, e.data]),
          expected.map((e) => [e.event || 'message', e.data]),
        );
      } finally {
        await server.close();
      }
    }),
    { numRuns: 60 },
  );
});
