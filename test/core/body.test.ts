import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Body, Controller, Post, Req } from 'streamnest';
import type { IncomingMessage } from 'node:http';
import { startApp } from '../support/app.js';
import { call, rawRequest } from './support.js';

@Controller('echo')
class EchoController {
  @Post() echo(@Body() body: unknown) {
    return { body: body ?? null, type: typeof body };
  }
  @Post('raw') raw(@Req() req: IncomingMessage & { body?: unknown }) {
    return { body: req.body ?? null };
  }
}

const post = (url: string, contentType: string | undefined, body: BodyInit) =>
  call(url, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });

test('JSON bodies, including +json types and a charset', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  assert.deepEqual((await post(`${url}/echo`, 'application/json', '{"a":[1,2],"b":"é"}')).body, { body: { a: [1, 2], b: 'é' }, type: 'object' });
  assert.deepEqual((await post(`${url}/echo`, 'application/merge-patch+json; charset=utf-8', '{"x":1}')).body.body, { x: 1 });
  assert.deepEqual((await post(`${url}/echo`, 'application/json', '42')).body.body, 42);
});

test('urlencoded bodies become an object; repeated keys become arrays', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  const res = await post(`${url}/echo`, 'application/x-www-form-urlencoded', 'name=Ada+Lovelace&tag=a&tag=b&empty=');
  assert.deepEqual(res.body.body, { name: 'Ada Lovelace', tag: ['a', 'b'], empty: '' });
});

test('text bodies become a string', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  assert.deepEqual((await post(`${url}/echo`, 'text/plain', 'just text')).body, { body: 'just text', type: 'string' });
});

test('a chunked body (no Content-Length) is read too', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  const raw = await rawRequest(
    url,
    'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n',
  );
  assert.match(raw, /^HTTP\/1\.1 201 /);
  assert.match(raw, /\{"body":\{"a":1\},"type":"object"\}$/);
});

test('no body: @Body() is undefined, even for an empty chunked body without Content-Type', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/echo`, { method: 'POST' })).body, { body: null, type: 'undefined' });
  const raw = await rawRequest(url, 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n');
  assert.match(raw, /^HTTP\/1\.1 201 /);
  assert.match(raw, /"type":"undefined"/);
  const withBody = await rawRequest(url, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
  assert.match(withBody, /^HTTP\/1\.1 415 /);
});

test('malformed JSON is a 400 whose message says so', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  const res = await post(`${url}/echo`, 'application/json', '{"a": ');
  assert.equal(res.status, 400);
  assert.equal(res.body.error, 'Bad Request');
  assert.match(res.body.message, /Malformed JSON/);
});

test('an unsupported media type is a 415', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  const res = await post(`${url}/echo`, 'application/xml', '<a/>');
  assert.equal(res.status, 415);
  assert.equal(res.body.statusCode, 415);
  assert.match(res.body.message, /application\/xml/);
  const bad = await post(`${url}/echo`, 'text/plain; charset=klingon', 'x');
  assert.equal(bad.status, 415);
});

test('a body over the default 1 MiB limit is a 413, with and without Content-Length, and the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  const big = JSON.stringify({ s: 'x'.repeat(1024 * 1024) });
  const res = await post(`${url}/echo`, 'application/json', big);
  assert.equal(res.status, 413);
  assert.equal(res.body.error, 'Payload Too Large');
  // Streamed (chunked) so the size is only known while reading.
  const streamed = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (r) => {
      let text = '';
      r.setEncoding('utf8')
        .on('data', (c) => {
          text += c;
        })
        .on('end', () => resolve({ status: r.statusCode!, text }));
    });
    req.on('error', reject);
    const chunk = 'y'.repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 40) {
        sent++;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
  assert.equal(streamed.status, 413);
  const ok = await post(`${url}/echo`, 'application/json', JSON.stringify({ s: 'x'.repeat(1000) }));
  assert.equal(ok.status, 201);
});

test('a body just under the limit is accepted', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  const body = 'z'.repeat(1024 * 1024);
  const res = await post(`${url}/echo`, 'text/plain', body);
  assert.equal(res.status, 201);
  assert.equal(res.body.body.length, 1024 * 1024);
});

test('bodyParser.limit changes the limit; bodyParser: false leaves the body unread', async (t) => {
  const small = await startApp({ controllers: [EchoController] }, undefined, { bodyParser: { limit: 10 } });
  t.after(small.close);
  assert.equal((await post(`${small.url}/echo`, 'text/plain', '12345678901')).status, 413);
  assert.equal((await post(`${small.url}/echo`, 'text/plain', '1234567890')).status, 201);
  const off = await startApp({ controllers: [EchoController] }, undefined, { bodyParser: false });
  t.after(off.close);
  assert.deepEqual((await post(`${off.url}/echo/raw`, 'application/xml', '<a/>')).body, { body: null });
});
