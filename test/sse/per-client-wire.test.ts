import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppController } from '../../examples/sse/app.controller.js';
import { startApp } from '../support/app.js';
import { openSse } from '../support/sse-reader.js';
import { runtimeSkip } from '../runtimes/skips.js';

test(
  'the per-client /sse2 endpoint (getSSEStream) streams named events with ids and retry, exact on the wire',
  runtimeSkip('sse: the per-client /sse2 endpoint is exact on the wire'),
  async (t) => {
    const { url, close } = await startApp({ controllers: [AppController] });
    t.after(close);
    const stream = await openSse(`${url}/sse2`);
    assert.equal(stream.status, 200);
    assert.equal(stream.headers['content-type'], 'text/event-stream');
    assert.equal(stream.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(stream.headers['x-accel-buffering'], 'no');
    assert.equal(stream.headers['connection'], 'keep-alive');
    assert.equal(stream.headers['content-encoding'], undefined);
    const text = await stream.waitFor((s) => s.split('\n\n').length > 2, 4000);
    assert.ok(text.startsWith('event: myEvent\nid: 1\nretry: 5000\ndata: {"hello":"world"}\n\nevent: myEvent\nid: 2\n'), JSON.stringify(text));
    stream.close();
  },
);

test('on HTTP/1.1 each event is one well-formed chunk, and ending the stream writes the final chunk', async (t) => {
  const { Controller, getSSEStream, Sse } = await import('streamnest');
  const net = await import('node:net');
  @Controller()
  class Wire {
    @Sse('wire')
    wire() {
      const { write, end, body } = getSSEStream();
      write({ data: 'héllo', id: 7 });
      setTimeout(() => {
        write({ data: 'a\nb' });
        end();
      }, 20);
      return body;
    }
  }
  const { url, close } = await startApp({ controllers: [Wire] });
  t.after(close);
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
  t.after(() => socket.destroy());
  socket.write('GET /wire HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  const raw = await new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      if (Buffer.concat(parts).includes('0\r\n\r\n')) resolve(Buffer.concat(parts));
    });
  });
  const [head, body] =
    raw.toString('latin1').split('\r\n\r\n', 2).length === 2
      ? [raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1'), raw.subarray(raw.indexOf('\r\n\r\n') + 4)]
      : ['', Buffer.alloc(0)];
  assert.match(head, /^HTTP\/1\.1 200 OK/);
  assert.match(head, /\r\nTransfer-Encoding: chunked/i);
  const first = Buffer.from('id: 7\ndata: héllo\n\n');
  const second = Buffer.from('data: a\ndata: b\n\n');
  const expected = Buffer.concat([
    Buffer.from(`${first.length.toString(16)}\r\n`),
    first,
    Buffer.from('\r\n'),
    Buffer.from(`${second.length.toString(16)}\r\n`),
    second,
    Buffer.from('\r\n'),
    Buffer.from('0\r\n\r\n'),
  ]);
  assert.deepEqual(body, expected);
});
