// Time and count limits at the HTTP edge: slowloris headers, stalled and
// trickling bodies, idle keep-alive, connection floods in total and from one
// address, bodies too big, too deep or in charsets we do not read, garbage on
// a connection whose stream has started, and nosniff on what we write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Body, Controller, Get, Post, Sse, getSSEStream } from 'streamnest';
import { resolveServerLimits } from '#internal/platform/server-limits.js';
import { startApp } from '../support/app.js';
import { rawRequest } from '../core/support.js';
import { openSse } from '../support/sse-reader.js';
import { selfSignedCertificate } from '../support/tls.js';
import http2 from 'node:http2';
import { CORS } from 'streamnest/cors';

@Controller()
class EdgeController {
  @Get('hello') hello() {
    return { hello: 'world' };
  }
  @Get('text') text() {
    return 'plain';
  }
  @Post('echo') echo(@Body() body: unknown) {
    return { body };
  }
  @Sse('sse') sse() {
    const { write, body } = getSSEStream();
    write({ data: 'open' });
    return body;
  }
}

type Limits = Parameters<typeof startApp>[2];

async function edgeApp(t: { after(fn: () => unknown): void }, options: Limits = {}) {
  const app = await startApp({ controllers: [EdgeController] }, undefined, options);
  t.after(app.close);
  return { ...app, port: Number(new URL(app.url).port) };
}

/** A raw connection: what it has received, and when it closed. */
function connect(port: number, localAddress?: string) {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  let received = '';
  let bytesSent = 0;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => undefined);
  let isClosed = false;
  const closed = new Promise<number>((resolve) =>
    socket.on('close', () => {
      isClosed = true;
      resolve(Date.now());
    }),
  );
  const connected = new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  return {
    socket,
    closed,
    connected,
    received: () => received,
    sent: () => bytesSent,
    isClosed: () => isClosed,
    write(data: string | Buffer) {
      if (!socket.destroyed) {
        bytesSent += data.length;
        socket.write(data);
      }
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('every server limit has a safe default', () => {
  const limits = resolveServerLimits();
  assert.equal(limits.headersTimeout, 10_000);
  assert.equal(limits.requestTimeout, 60_000);
  assert.equal(limits.bodyTimeout, 10_000);
  assert.equal(limits.keepAliveTimeout, 5_000);
  assert.equal(limits.maxHeaderSize, 16 * 1024);
  assert.equal(limits.maxConnectionsPerAddress, 0);
  assert.ok(limits.maxConnections > 1000 && limits.maxConnections < 20_000, `maxConnections ${limits.maxConnections} stays under the open-file limit`);
  assert.throws(() => resolveServerLimits({ headersTimeout: 0 }), /SN_ERR_INVALID_OPTION/);
  assert.throws(() => resolveServerLimits({ nope: 1 } as never), /SN_ERR_INVALID_OPTION/);
  assert.throws(() => resolveServerLimits({ headersTimeout: 90_000 }), /SN_ERR_INVALID_OPTION.*"headersTimeout".*raise requestTimeout/);
});

test('bad server and body options are refused when the app is created, naming the option', async () => {
  await assert.rejects(startApp({ controllers: [EdgeController] }, undefined, { http: { maxConnections: -5 } }), /SN_ERR_INVALID_OPTION.*"maxConnections"/);
  await assert.rejects(startApp({ controllers: [EdgeController] }, undefined, { bodyParser: { depth: 0 } }), /SN_ERR_INVALID_OPTION.*"depth"/);
  await assert.rejects(startApp({ controllers: [EdgeController] }, undefined, { bodyParser: { limit: Number.NaN } }), /SN_ERR_INVALID_OPTION.*"limit"/);
});

test('slowloris: headers trickling in are cut at headersTimeout with 408', async (t) => {
  const { port } = await edgeApp(t, { http: { headersTimeout: 600 } });
  const client = connect(port);
  await client.connected;
  const started = Date.now();
  client.write('GET /hello HTTP/1.1\r\nHost: x\r\n');
  const drip = setInterval(() => client.write('X-Slow: y\r\n'), 100);
  const closedAt = await client.closed;
  clearInterval(drip);
  const took = closedAt - started;
  assert.match(client.received(), /^HTTP\/1\.1 408 /);
  assert.ok(took >= 550 && took < 2_500, `cut after ${took} ms`);
});

test('a stalled body is cut at bodyTimeout with 408, and the connection closes', async (t) => {
  const { port } = await edgeApp(t, { http: { bodyTimeout: 300 } });
  const client = connect(port);
  await client.connected;
  const started = Date.now();
  client.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
  const closedAt = await client.closed;
  assert.match(client.received(), /^HTTP\/1\.1 408 /);
  assert.match(client.received(), /Connection: close/i);
  assert.match(client.received(), /stalled/);
  assert.ok(closedAt - started < 2_000, `closed after ${closedAt - started} ms`);
});

test('a body that trickles without ever stalling is cut at requestTimeout', async (t) => {
  const { port } = await edgeApp(t, { http: { bodyTimeout: 1_000, requestTimeout: 1_200, headersTimeout: 1_000 } });
  const client = connect(port);
  await client.connected;
  const started = Date.now();
  client.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n');
  const drip = setInterval(() => client.write('z'), 100);
  const closedAt = await client.closed;
  clearInterval(drip);
  assert.ok(closedAt - started < 4_000, `cut after ${closedAt - started} ms`);
  assert.doesNotMatch(client.received(), /^HTTP\/1\.1 20/);
});

test('an idle keep-alive connection is closed after keepAliveTimeout', async (t) => {
  const { port } = await edgeApp(t, { http: { keepAliveTimeout: 300 } });
  const client = connect(port);
  await client.connected;
  client.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
  const started = Date.now();
  const closedAt = await client.closed;
  assert.match(client.received(), /^HTTP\/1\.1 200 /);
  assert.ok(closedAt - started < 2_000, `closed after ${closedAt - started} ms`);
});

test('past maxConnections a connection is answered once (503 + Retry-After, or retry: for an EventSource) and closed', async (t) => {
  const { port } = await edgeApp(t, { http: { maxConnections: 3 } });
  const held = [connect(port), connect(port), connect(port)];
  await Promise.all(held.map((c) => c.connected));
  await sleep(50);
  const plain = connect(port);
  plain.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
  await plain.closed;
  assert.match(plain.received(), /^HTTP\/1\.1 503 /);
  assert.match(plain.received(), /Retry-After: 2/i);
  assert.match(plain.received(), /Connection: close/i);
  const events = connect(port);
  events.write('GET /sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  await events.closed;
  assert.match(events.received(), /^HTTP\/1\.1 200 /);
  assert.match(events.received(), /Content-Type: text\/event-stream/i);
  assert.match(events.received(), /retry: \d+\n\n/);
  assert.doesNotMatch(events.received(), /data: open/);
  // A held connection still works, and once one closes, a new one is served.
  held[0]!.write('GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await held[0]!.closed;
  assert.match(held[0]!.received(), /^HTTP\/1\.1 200 /);
  await sleep(50);
  const later = connect(port);
  later.write('GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await later.closed;
  assert.match(later.received(), /^HTTP\/1\.1 200 /);
  for (const c of held) c.socket.destroy();
});

test('a refused EventSource from another origin gets the CORS headers with its retry:, so the browser can read it', async (t) => {
  const app = await startApp(
    { controllers: [EdgeController] },
    (a) => {
      a.use(CORS({ origin: ['https://page.example'] }));
    },
    { http: { maxConnections: 1 } },
  );
  t.after(app.close);
  const port = Number(new URL(app.url).port);
  const held = connect(port);
  await held.connected;
  await sleep(50);
  const refused = connect(port);
  refused.write('GET /sse HTTP/1.1\r\nHost: x\r\nOrigin: https://page.example\r\nAccept: text/event-stream\r\n\r\n');
  await refused.closed;
  assert.match(refused.received(), /^HTTP\/1\.1 200 /);
  assert.match(refused.received(), /Access-Control-Allow-Origin: https:\/\/page\.example/i);
  assert.match(refused.received(), /retry: \d+/);
  held.socket.destroy();
});

test('HTTP/2 and TLS: handshakes count and time out, a connection over the limit is closed, an idle session too', async (t) => {
  const tls = selfSignedCertificate();
  const app = await startApp(
    { controllers: [EdgeController] },
    undefined,
    { http: { maxConnections: 2, headersTimeout: 600, keepAliveTimeout: 400 } },
    { http2: tls },
  );
  t.after(app.close);
  const port = Number(new URL(app.url).port);
  // A TCP connection that never starts its TLS handshake counts, and is cut at the handshake timeout.
  const stuck = connect(port);
  await stuck.connected;
  const started = Date.now();
  const session = http2.connect(app.url, { ca: tls.cert });
  session.on('error', () => undefined);
  const sessionClosed = new Promise<number>((resolve) => session.once('close', () => resolve(Date.now())));
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  const over = http2.connect(app.url, { ca: tls.cert });
  over.on('error', () => undefined);
  await new Promise<void>((resolve) => over.once('close', () => resolve()));
  assert.ok(over.destroyed, 'the third connection was closed');
  const stuckClosedAt = await stuck.closed;
  assert.ok(stuckClosedAt - started < 3_000, `the stalled handshake was cut after ${stuckClosedAt - started} ms`);
  // With no stream open, the session is closed after keepAliveTimeout.
  const sessionClosedAt = await sessionClosed;
  assert.ok(sessionClosedAt - started < 4_000, `the idle session was closed after ${sessionClosedAt - started} ms`);
});

test('past maxConnectionsPerAddress one address is refused while others are served', async (t) => {
  const { port } = await edgeApp(t, { http: { maxConnectionsPerAddress: 2 } });
  const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
  await Promise.all(held.map((c) => c.connected));
  await sleep(50);
  const third = connect(port, '127.0.0.1');
  third.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
  await third.closed;
  assert.match(third.received(), /^HTTP\/1\.1 503 /);
  const other = connect(port, '127.0.0.2');
  other.write('GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await other.closed;
  assert.match(other.received(), /^HTTP\/1\.1 200 /);
  for (const c of held) c.socket.destroy();
});

test('a flood of refused connections is cut at once past 1,024 waiting for their answer', async (t) => {
  const { port } = await edgeApp(t, { http: { maxConnections: 1, headersTimeout: 5_000 } });
  const first = connect(port);
  await first.connected;
  const flood: Array<ReturnType<typeof connect>> = [];
  t.after(() => {
    for (const c of [first, ...flood]) c.socket.destroy();
  });
  // In batches, so the kernel's accept queue never overflows and every connection reaches the server at once.
  for (let batch = 0; batch < 12; batch++) {
    const opened = Array.from({ length: 100 }, (_, i) => connect(port, `127.0.0.${2 + (i % 20)}`));
    flood.push(...opened);
    await Promise.all(opened.map((c) => Promise.race([c.connected, c.closed])));
  }
  await sleep(500);
  // None of them sent a request, so only the server can have closed them this soon.
  const cut = flood.filter((c) => c.isClosed()).length;
  assert.ok(cut >= 150 && cut <= 200, `${cut} connections past the 1,024 waiting for an answer were cut at once`);
});

test('JSON nested deeper than the limit is 400, whatever its size; within it, it parses', async (t) => {
  const { url } = await edgeApp(t, { bodyParser: { depth: 8 } });
  const post = (body: string) => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  assert.equal((await post(deep(8))).status, 201);
  const tooDeep = await post(deep(9));
  assert.equal(tooDeep.status, 400);
  assert.match((await tooDeep.json()).message, /nests deeper than 8/);
  const huge = await post(deep(100_000));
  assert.equal(huge.status, 400);
  // Brackets inside strings do not count.
  assert.equal((await post(JSON.stringify({ s: '[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{' }))).status, 201);
  const { url: defaults } = await edgeApp(t);
  assert.equal((await fetch(`${defaults}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep(64) })).status, 201);
  assert.equal((await fetch(`${defaults}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep(100_000) })).status, 400);
});

test('a form repeating one key half a million times parses in linear time', async (t) => {
  const { url } = await edgeApp(t);
  const body = 'a&'.repeat(512 * 1024 - 1);
  const started = Date.now();
  const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const { body: form } = (await res.json()) as { body: { a: string[] } };
  assert.equal(res.status, 201);
  assert.equal(form.a.length, 512 * 1024 - 1);
  // Copying the array at each repeat took minutes; linear parsing takes well under a second.
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});

test('charsets we do not read are 415; Latin-1 text is read as Latin-1', async (t) => {
  const { url } = await edgeApp(t);
  const post = (type: string, body: string | Uint8Array) => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': type }, body: body as BodyInit });
  for (const type of [
    'application/json; charset=utf-7',
    'application/json; charset=iso-8859-1',
    'text/plain; charset=utf-7',
    'text/plain; charset=utf-16',
    'application/x-www-form-urlencoded; charset=ebcdic',
  ]) {
    const res = await post(type, '{}');
    assert.equal(res.status, 415, type);
    assert.match((await res.json()).message, /charset/i);
  }
  const latin1 = await post('text/plain; charset=ISO-8859-1', new Uint8Array(Buffer.from('café', 'latin1')));
  assert.deepEqual(await latin1.json(), { body: 'café' });
  assert.equal((await post('application/json; charset=UTF-8', '{"a":1}')).status, 201);
});

test('a 413 closes the connection instead of reading on through a 100 MB body', async (t) => {
  const { port } = await edgeApp(t);
  for (const framing of ['length', 'chunked'] as const) {
    const client = connect(port);
    await client.connected;
    client.write(
      framing === 'length'
        ? 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 104857600\r\n\r\n'
        : 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const framed = framing === 'length' ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    let open = true;
    void client.closed.then(() => {
      open = false;
    });
    let sent = 0;
    while (open && sent < 100 * 1024 * 1024) {
      sent += framed.length;
      if (!client.socket.write(framed))
        await new Promise((r) => {
          client.socket.once('drain', r);
          client.socket.once('close', r);
        });
    }
    assert.match(client.received(), /^HTTP\/1\.1 413 /, framing);
    assert.match(client.received(), /Connection: close/i, framing);
    t.diagnostic(`${framing}: the client got ${(sent / 2 ** 20).toFixed(1)} MiB out before the server closed`);
    assert.ok(sent < 40 * 1024 * 1024, `${framing}: the server read on for ${(sent / 2 ** 20).toFixed(1)} MiB`);
  }
});

test('a body refused before reading (unsupported type) also closes the connection', async (t) => {
  const { url } = await edgeApp(t);
  const response = await rawRequest(url, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-evil\r\nContent-Length: 5\r\n\r\nhello');
  assert.match(response, /^HTTP\/1\.1 415 /);
  assert.match(response, /Connection: close/i);
});

test('garbage pipelined behind a started SSE stream never injects a status line into it', async (t) => {
  const { port } = await edgeApp(t);
  const client = connect(port);
  await client.connected;
  client.write('GET /sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
  while (!client.received().includes('data: open')) await sleep(10);
  client.write('THIS IS NOT HTTP\r\n\r\n');
  await client.closed;
  assert.equal(client.received().match(/HTTP\/1\.1/g)?.length, 1, `one status line only: ${JSON.stringify(client.received())}`);
});

test('malformed requests get 400, an oversized head 431, each with a JSON body and the connection closed', async (t) => {
  const { url } = await edgeApp(t, { http: { maxHeaderSize: 2048 } });
  const bad = await rawRequest(url, 'GET /hello HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
  assert.match(bad, /^HTTP\/1\.1 400 /);
  assert.match(bad, /"statusCode":400/);
  const big = await rawRequest(url, `GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(4096)}\r\n\r\n`);
  assert.match(big, /^HTTP\/1\.1 431 /);
});

test('X-Content-Type-Options: nosniff on JSON, text, errors and event streams', async (t) => {
  const { url } = await edgeApp(t);
  for (const path of ['/hello', '/text', '/missing']) {
    const res = await fetch(`${url}${path}`);
    await res.arrayBuffer();
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
  }
  const stream = await openSse(`${url}/sse`);
  assert.equal(stream.headers['x-content-type-options'], 'nosniff');
  stream.close();
});
