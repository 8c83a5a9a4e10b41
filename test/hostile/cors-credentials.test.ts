// CORS with credentials must never fail open: no origin list means no start,
// and the origin `null` (sandboxed iframes, file: pages) is never reflected
// unless it is listed by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORS, type CorsOptions } from 'streamnest/cors';
import { AppController } from '../../examples/sse/app.controller.js';
import { startApp } from '../support/app.js';

test('CORS({ credentials: true }) without an explicit origin refuses to start, with a code that says what to write', () => {
  for (const origin of [undefined, true, '*'] as const) {
    assert.throws(
      () => CORS({ credentials: true, origin }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SN_ERR_CORS_CREDENTIALS_ORIGIN');
        assert.match(error.message, /origin: \['https:\/\/app\.example\.com'\]/);
        return true;
      },
      `origin ${String(origin)}`,
    );
  }
});

async function headersFor(options: CorsOptions, origin: string, method = 'GET') {
  const app = await startApp({ controllers: [AppController] }, (a) => {
    a.use(CORS(options));
  });
  try {
    const init: RequestInit =
      method === 'OPTIONS'
        ? { method, headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'last-event-id' } }
        : { headers: { origin } };
    const res = await fetch(`${app.url}/sse2`, init);
    await res.body?.cancel();
    return { allowOrigin: res.headers.get('access-control-allow-origin'), allowCredentials: res.headers.get('access-control-allow-credentials') };
  } finally {
    await app.close();
  }
}

test('a listed origin is reflected with credentials; an unlisted one gets no Access-Control-Allow-Origin', async () => {
  const options = { credentials: true, origin: ['https://app.example.com', /^https:\/\/[a-z]+\.trusted\.example$/] };
  for (const method of ['GET', 'OPTIONS']) {
    assert.deepEqual(await headersFor(options, 'https://app.example.com', method), { allowOrigin: 'https://app.example.com', allowCredentials: 'true' });
    assert.deepEqual(await headersFor(options, 'https://eu.trusted.example', method), { allowOrigin: 'https://eu.trusted.example', allowCredentials: 'true' });
    assert.equal((await headersFor(options, 'https://evil.example', method)).allowOrigin, null);
  }
});

test('the origin null is never reflected by true, a RegExp or a function answering true', async () => {
  const cases: CorsOptions[] = [
    { origin: true },
    { origin: /.*/ },
    { origin: [/.*/, 'https://app.example.com'] },
    { credentials: true, origin: /.*/ },
    { credentials: true, origin: (_origin, allow) => allow(null, true) },
  ];
  for (const options of cases) {
    for (const method of ['GET', 'OPTIONS']) {
      const { allowOrigin } = await headersFor(options, 'null', method);
      assert.notEqual(allowOrigin, 'null', `${method} with ${String(options.origin)}`);
      assert.notEqual(allowOrigin, '*', `${method} with ${String(options.origin)}`);
    }
  }
  // Other origins still pass through the same settings.
  assert.equal((await headersFor({ credentials: true, origin: /.*/ }, 'https://a.example')).allowOrigin, 'https://a.example');
});

test('the origin null is allowed when listed by name', async () => {
  assert.equal((await headersFor({ credentials: true, origin: ['null'] }, 'null')).allowOrigin, 'null');
  assert.equal((await headersFor({ credentials: true, origin: (_o, allow) => allow(null, 'null') }, 'null')).allowOrigin, 'null');
});
