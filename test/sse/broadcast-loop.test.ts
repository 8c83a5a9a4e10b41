import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, getSSEStream, Sse, type SSEStream } from 'streamnest';
import { startApp } from '../support/app.js';
import { eventually, openSse } from '../support/sse-reader.js';
import { runtimeSkip } from '../runtimes/skips.js';

const writers = new Set<SSEStream['write']>();

/** The seed page's broadcast pattern: every stream's `write` in a Set, and a loop over it. */
@Controller()
class LoopController {
  @Sse('loop')
  loop() {
    const stream = getSSEStream({
      cancel() {
        writers.delete(stream.write);
      },
    });
    writers.add(stream.write);
    return stream.body;
  }
}

test(
  'a loop writing to every stream: equal events share their bytes, and object data is never stale',
  runtimeSkip('sse: a loop writing to every stream shares equal bytes'),
  async (t) => {
    const { url, close } = await startApp({ controllers: [LoopController] });
    t.after(close);
    const clients = await Promise.all([1, 2, 3].map(() => openSse(`${url}/loop`)));
    await eventually(() => writers.size === 3, 3000, 'three streams');
    const payload = { n: 1 };
    for (const write of writers) write({ data: 'same', id: 7, event: 'tick' });
    for (const write of writers) write({ data: payload });
    // The same object, mutated between writes, must be encoded again.
    let i = 0;
    for (const write of writers) {
      payload.n = ++i * 10;
      write({ data: payload });
    }
    const texts = await Promise.all(clients.map((c) => c.waitFor((s) => s.split('\n\n').length >= 4)));
    const third = texts.map((text) => {
      const match = /^event: tick\nid: 7\ndata: same\n\ndata: \{"n":1\}\n\ndata: \{"n":(\d+)\}\n\n$/.exec(text);
      assert.ok(match, JSON.stringify(text));
      return Number(match[1]);
    });
    assert.deepEqual(
      third.sort((a, b) => a - b),
      [10, 20, 30],
      'each stream got the object as it was when written to it',
    );
    for (const client of clients) client.close();
    await eventually(() => writers.size === 0, 3000, 'streams cancelled');
  },
);
