import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventSource } from 'eventsource';
import { Controller, getSSEStream, LastEventId, Sse } from 'streamnest';
import { AppController } from '../../examples/sse/app.controller.js';
import { startApp } from '../support/app.js';

const resumes: Array<string | undefined> = [];

/** Sends three numbered events per connection, continuing after the client's Last-Event-ID, then ends. */
@Controller()
class CounterController {
  @Sse('counter')
  counter(@LastEventId() lastEventId?: string) {
    resumes.push(lastEventId);
    const from = lastEventId === undefined ? 0 : Number(lastEventId);
    const { write, end, body } = getSSEStream();
    write({ retry: 50 });
    for (let i = from + 1; i <= from + 3; i++) write({ data: `event ${i}`, id: i });
    end();
    return body;
  }
}

function collect(source: EventSource, type: string, count: number): Promise<MessageEvent[]> {
  return new Promise((resolve, reject) => {
    const got: MessageEvent[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} "${type}" events`)), 8000);
    source.addEventListener(type, (event) => {
      got.push(event as MessageEvent);
      if (got.length === count) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

test('the npm eventsource client against the seed endpoints and a resuming endpoint', async (t) => {
  const { url, close } = await startApp({ controllers: [AppController, CounterController] });
  t.after(close);

  await t.test('/sse delivers {"hello":"world"} to onmessage', async () => {
    const source = new EventSource(`${url}/sse`);
    t.after(() => source.close());
    const events = await collect(source, 'message', 2);
    for (const e of events) assert.deepEqual(JSON.parse(e.data), { hello: 'world' });
    source.close();
  });

  await t.test('/sse2 delivers myEvent with ids 1, 2, 3 and nothing to onmessage', async () => {
    const source = new EventSource(`${url}/sse2`);
    t.after(() => source.close());
    let plain = 0;
    source.onmessage = () => {
      plain++;
    };
    const events = await collect(source, 'myEvent', 3);
    assert.deepEqual(
      events.map((e) => e.lastEventId),
      ['1', '2', '3'],
    );
    assert.deepEqual(JSON.parse(events[2]!.data), { hello: 'world' });
    assert.equal(plain, 0);
    source.close();
  });

  await t.test('a client that reconnects sends Last-Event-ID and gets every event exactly once, in order', async () => {
    resumes.length = 0;
    const source = new EventSource(`${url}/counter`);
    t.after(() => source.close());
    const events = await collect(source, 'message', 9);
    source.close();
    assert.deepEqual(
      events.map((e) => e.data),
      Array.from({ length: 9 }, (_, i) => `event ${i + 1}`),
    );
    assert.deepEqual(resumes.slice(0, 3), [undefined, '3', '6']);
  });
});
