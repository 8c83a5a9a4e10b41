import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Controller, Get } from 'streamnest';
import { startApp } from '../support/app.js';
import { call, rawRequest } from './support.js';

// The files live beside the sources (tsc does not copy them into build/).
const publicDir = fileURLToPath(new URL('../../../test/core/fixtures/public', import.meta.url));

@Controller('assets')
class ShadowController {
  @Get('dynamic') dynamic() {
    return 'from a route';
  }
}

test('useStaticAssets serves files under a prefix, with type, length and caching headers', async (t) => {
  const { url, close } = await startApp({ controllers: [ShadowController] }, (app) => {
    app.useStaticAssets(publicDir, { prefix: '/assets' });
  });
  t.after(close);
  const res = await call(`${url}/assets/hello.txt`);
  assert.equal(res.status, 200);
  assert.equal(res.text, 'hello static\n');
  assert.match(res.headers.get('content-type')!, /^text\/plain/);
  assert.equal(res.headers.get('content-length'), '13');
  assert.ok(res.headers.get('etag'));
  // Raw, since fetch adds Cache-Control: no-cache to conditional requests.
  const again = await rawRequest(url, `GET /assets/hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${res.headers.get('etag')}\r\nConnection: close\r\n\r\n`);
  assert.match(again, /^HTTP\/1\.1 304 /);
  const index = await call(`${url}/assets/docs/`);
  assert.equal(index.text, '<h1>index</h1>\n');
  assert.equal((await fetch(`${url}/assets/docs`, { redirect: 'manual' })).status, 301);
});

test('a missing file falls through to the routes, then to the JSON 404', async (t) => {
  const { url, close } = await startApp({ controllers: [ShadowController] }, (app) => {
    app.useStaticAssets(publicDir, { prefix: '/assets' });
  });
  t.after(close);
  assert.equal((await call(`${url}/assets/dynamic`)).text, 'from a route');
  const missing = await call(`${url}/assets/nope.txt`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.statusCode, 404);
  assert.equal((await call(`${url}/hello.txt`)).status, 404, 'files are only under the prefix');
});

test('without a prefix files are served from the root; path traversal is refused', async (t) => {
  const { url, close } = await startApp({ controllers: [ShadowController] }, (app) => {
    app.useStaticAssets(publicDir);
  });
  t.after(close);
  assert.equal((await call(`${url}/hello.txt`)).text, 'hello static\n');
  const raw = await rawRequest(url, 'GET /../../package.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(raw, /^HTTP\/1\.1 (403|404) /);
  assert.doesNotMatch(raw, /"name": "streamnest"/);
  const encoded = await rawRequest(url, 'GET /%2e%2e/%2e%2e/%2e%2e/package.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(encoded, /^HTTP\/1\.1 (403|404) /);
});
