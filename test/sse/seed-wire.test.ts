import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppController } from '../../examples/sse/app.controller.js';
import { startApp } from '../support/app.js';
import { openSse } from '../support/sse-reader.js';

test('the seed /sse2 endpoint streams named events with ids and retry, exact on the wire', async (t) => {
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
});
