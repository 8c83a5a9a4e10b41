import { test } from 'node:test';
import assert from 'node:assert/strict';
import { of } from 'rxjs';
import { Controller, Get, Sse } from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';
import { openSse } from '../support/sse-reader.js';

@Controller('c')
class CompatController {
  @Get('text') text() {
    return 'Hello World!';
  }
  @Sse('events') events() {
    return of({ data: 'a' }, { data: 'b', id: 'kept' }, { data: 'c' });
  }
}

async function sseText(url: string): Promise<string> {
  const stream = await openSse(url);
  await stream.ended;
  return stream.text();
}

test('by default: 405 with Allow for a wrong method, text/plain for a string, SSE ids only where given', async (t) => {
  const { url, close } = await startApp({ controllers: [CompatController] });
  t.after(close);
  const wrong = await call(`${url}/c/text`, { method: 'POST' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'GET, HEAD');
  assert.equal((await call(`${url}/c/text`)).headers.get('content-type'), 'text/plain; charset=utf-8');
  const events = await sseText(`${url}/c/events`);
  assert.equal(events.match(/^id: /gm)?.length, 1);
});

test('nestCompatible: NestJS answers: 404 "Cannot POST", text/html for a string, SSE events numbered 1, 2, 3', async (t) => {
  const { url, close } = await startApp({ controllers: [CompatController] }, undefined, { nestCompatible: true });
  t.after(close);
  const wrong = await call(`${url}/c/text`, { method: 'POST' });
  assert.equal(wrong.status, 404);
  assert.equal(wrong.headers.get('allow'), null);
  assert.equal(wrong.body.message, 'Cannot POST /c/text');
  assert.equal(wrong.body.statusCode, 404);
  const text = await call(`${url}/c/text`);
  assert.equal(text.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(text.text, 'Hello World!');
  const events = await sseText(`${url}/c/events`);
  assert.deepEqual(events.match(/^id: .*$/gm), ['id: 1', 'id: kept', 'id: 2']);
});
