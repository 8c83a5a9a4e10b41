import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORS } from 'streamnest/cors';
import { AppController } from '../../examples/sse/app.controller.js';
import { startApp } from '../support/app.js';
import { openSse } from '../support/sse-reader.js';

const ORIGIN = 'http://page.example:8080';

test('CORS() allows a cross-origin EventSource, including the Last-Event-ID preflight', async (t) => {
  const { url, close } = await startApp({ controllers: [AppController] }, (app) => {
    app.use(CORS());
  });
  t.after(close);
  const preflight = await fetch(`${url}/sse2`, {
    method: 'OPTIONS',
    headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /last-event-id/i);
  const stream = await openSse(`${url}/sse`, { origin: ORIGIN });
  assert.equal(stream.headers['access-control-allow-origin'], '*');
  assert.equal(stream.headers['content-type'], 'text/event-stream');
  stream.close();
});

test('CORS({ credentials: true, origin: [...] }) reflects a listed origin, as withCredentials requires', async (t) => {
  const { url, close } = await startApp({ controllers: [AppController] }, (app) => {
    app.use(CORS({ credentials: true, origin: [ORIGIN] }));
  });
  t.after(close);
  const stream = await openSse(`${url}/sse`, { origin: ORIGIN, cookie: 'session=1' });
  assert.equal(stream.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(stream.headers['access-control-allow-credentials'], 'true');
  stream.close();
});

test('explicit allowedHeaders still allow Last-Event-ID; a disallowed origin gets no CORS headers', async (t) => {
  const { url, close } = await startApp({ controllers: [AppController] }, (app) => {
    app.use(CORS({ origin: ['http://good.example'], allowedHeaders: ['Content-Type'] }));
  });
  t.after(close);
  const preflight = await fetch(`${url}/sse`, {
    method: 'OPTIONS',
    headers: { origin: 'http://good.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' },
  });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Last-Event-ID/);
  const bad = await fetch(`${url}/sse`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
  assert.equal(bad.headers.get('access-control-allow-origin'), null);
});
