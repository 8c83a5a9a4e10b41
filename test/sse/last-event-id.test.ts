import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, getSSEStream, LastEventId, Sse } from 'streamnest';
import { startApp } from '../support/app.js';
import { openSse } from '../support/sse-reader.js';

@Controller()
class EchoController {
  /** Echoes what @LastEventId() saw, as one event. */
  @Sse('echo')
  echo(@LastEventId() lastEventId?: string) {
    const { write, end, body } = getSSEStream();
    write({ data: JSON.stringify(lastEventId ?? null) });
    end();
    return body;
  }
}

async function seen(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const stream = await openSse(url, headers);
  await stream.ended;
  return JSON.parse(/^data: (.*)\n\n$/.exec(stream.text())![1]!);
}

test('@LastEventId(): the header decoded as UTF-8, else the lastEventId query parameter, else undefined', async (t) => {
  const { url, close } = await startApp({ controllers: [EchoController] });
  t.after(close);
  assert.equal(await seen(`${url}/echo`), null);
  assert.equal(await seen(`${url}/echo`, { 'last-event-id': '42' }), '42');
  // Browsers send the id's UTF-8 bytes; Node hands them over as latin1 characters.
  assert.equal(await seen(`${url}/echo`, { 'last-event-id': Buffer.from('café-☕', 'utf8').toString('latin1') }), 'café-☕');
  assert.equal(await seen(`${url}/echo?lastEventId=7`), '7');
  assert.equal(await seen(`${url}/echo?lastEventId=7`, { 'last-event-id': '9' }), '9', 'the header wins over the query');
});
