import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { Test } from 'streamnest/testing';
import { AppController } from '../../examples/sse/app.controller.js';
import { selfSignedCertificate } from '../support/tls.js';
import { eventually } from '../support/sse-reader.js';
import { runtimeSkip } from '../runtimes/skips.js';

test('SSE over HTTP/2 with TLS, with HTTP/1.1 fallback on the same port', async (t) => {
  const tls = selfSignedCertificate();
  const moduleRef = await Test.createTestingModule({ controllers: [AppController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen({ port: 0, hostname: '127.0.0.1', http2: tls });
  t.after(() => app.close());
  const url = app.getUrl();
  assert.match(url, /^https:\/\//);

  await t.test('HTTP/2: the stream opens with the SSE headers and no Connection header, and events flow', async () => {
    const client = http2.connect(url, { ca: tls.cert });
    t.after(() => client.close());
    const streams = Array.from({ length: 10 }, () => client.request({ ':path': '/sse2', accept: 'text/event-stream' }));
    const results = await Promise.all(
      streams.map(
        (stream) =>
          new Promise<{ headers: http2.IncomingHttpHeaders; text: string }>((resolve, reject) => {
            let text = '';
            let headers: http2.IncomingHttpHeaders = {};
            stream.on('response', (h) => {
              headers = h;
            });
            stream.setEncoding('utf8');
            stream.on('data', (chunk: string) => {
              text += chunk;
              if (text.includes('id: 2\n')) {
                stream.close();
                resolve({ headers, text });
              }
            });
            stream.on('error', reject);
          }),
      ),
    );
    for (const { headers, text } of results) {
      assert.equal(headers[':status'], 200);
      assert.equal(headers['content-type'], 'text/event-stream');
      assert.equal(headers['cache-control'], 'no-cache, no-transform');
      assert.equal(headers['connection'], undefined);
      assert.ok(text.startsWith('event: myEvent\nid: 1\nretry: 5000\ndata: {"hello":"world"}\n\n'));
    }
    client.close();
    await eventually(() => app.getSseStats().open === 0, 3000, 'HTTP/2 streams closed');
  });

  await t.test('HTTP/1.1 over TLS still works on the same port', runtimeSkip('sse: HTTP/1.1 over TLS still works on the same port as HTTP/2'), async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = https.get(`${url}/sse`, { ca: tls.cert, agent: false }, (res) => {
        assert.equal(res.headers['connection'], 'keep-alive');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          resolve(chunk);
          req.destroy();
        });
      });
      req.on('error', reject);
    });
    assert.equal(text, 'data: {"hello":"world"}\n\n');
  });
});
