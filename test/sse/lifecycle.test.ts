import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Controller, Get, Post, Sse, getSSEStream, UseGuards, ForbiddenException, NestFactory, Module, type SSEMessageEvent, type SSEStream } from 'streamnest';
import { startApp } from '../support/app.js';
import { eventually, openSse } from '../support/sse-reader.js';
import { runtimeSkip } from '../runtimes/skips.js';

/** Records what the server side saw, for the assertions. */
const seen = { cancels: 0, writesAfterClose: [] as boolean[], stream: undefined as SSEStream | undefined, returned: 0, unsubscribed: 0 };

@Controller('lc')
class LifecycleController {
  @Get('manual')
  @Sse()
  manual() {
    seen.stream = getSSEStream({
      cancel() {
        seen.cancels++;
      },
    });
    seen.stream.write({ data: 'first' });
    return seen.stream.body;
  }

  @Get('ends')
  @Sse()
  ends() {
    const { write, end, body } = getSSEStream();
    write({ data: 'only' });
    end();
    return body;
  }

  @Sse('iterable')
  async *iterable(): AsyncGenerator<SSEMessageEvent> {
    try {
      for (let i = 1; ; i++) {
        yield { data: `n${i}`, id: i };
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      seen.returned++;
    }
  }

  @Sse('observable')
  observable() {
    return {
      subscribe(observer: { next(e: SSEMessageEvent): void }) {
        let i = 0;
        const timer = setInterval(() => observer.next({ data: { tick: ++i } }), 20);
        return {
          unsubscribe() {
            clearInterval(timer);
            seen.unsubscribed++;
          },
        };
      },
    };
  }

  @Sse('promise')
  async promise() {
    await new Promise((r) => setTimeout(r, 10));
    const { write, end, body } = getSSEStream();
    setTimeout(() => {
      write({ data: 'later', event: 'late' });
      end();
    }, 10);
    return body;
  }

  @Sse('web')
  web() {
    return new ReadableStream<SSEMessageEvent>({
      start(controller) {
        controller.enqueue({ data: 'from web' });
        controller.close();
      },
    });
  }

  @Sse('node')
  node() {
    return Readable.from([{ data: 'a' }, { data: 'b' }]);
  }

  @Sse('fails-later')
  async *failsLater(): AsyncGenerator<SSEMessageEvent> {
    yield { data: 'ok' };
    throw new Error('database password is hunter2');
  }

  @Sse('fails-before')
  failsBefore() {
    throw new ForbiddenException('no streams for you');
  }

  @Sse('wrong-result')
  wrongResult() {
    return 42;
  }

  @Sse({ heartbeat: 50 })
  @Get('quiet')
  quiet() {
    return getSSEStream().body;
  }
}

class DenyAll {
  canActivate() {
    return false;
  }
}

@Controller('guarded')
@UseGuards(DenyAll)
class GuardedController {
  @Sse('stream')
  stream() {
    return getSSEStream().body;
  }
}

test('SSE lifecycle over real HTTP', runtimeSkip('sse: SSE lifecycle over real HTTP'), async (t) => {
  const { app, url, close } = await startApp({ controllers: [LifecycleController, GuardedController] });
  t.after(close);

  await t.test('the headers arrive before the first event, so the client can open at once', async () => {
    const stream = await openSse(`${url}/lc/quiet`);
    assert.equal(stream.status, 200);
    assert.equal(stream.text(), '');
    stream.close();
  });

  await t.test('a client that goes away runs cancel exactly once; later writes return false and never throw', async () => {
    seen.cancels = 0;
    const stream = await openSse(`${url}/lc/manual`);
    await stream.waitFor((s) => s.includes('data: first\n\n'));
    const writer = seen.stream!;
    assert.equal(writer.write({ data: 'second' }), true);
    await stream.waitFor((s) => s.includes('data: second\n\n'));
    stream.close();
    await eventually(() => seen.cancels === 1, 2000, 'cancel');
    assert.equal(writer.write({ data: 'after' }), false);
    assert.equal(writer.write({ data: 'x', id: 'bad\nid' }), false, 'after close, write is a no-op even for bad input');
    writer.end();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen.cancels, 1);
  });

  await t.test('invalid fields throw a TypeError naming the field, and nothing is written', async () => {
    const stream = await openSse(`${url}/lc/manual`);
    await stream.waitFor((s) => s.includes('data: first\n\n'));
    const before = stream.text();
    assert.throws(() => seen.stream!.write({ data: 'x', event: 'a\nb' }), /"event"/);
    assert.throws(() => seen.stream!.write({ data: 'x', retry: -5 }), TypeError);
    seen.stream!.write({ data: 'valid' });
    const after = await stream.waitFor((s) => s.includes('data: valid'));
    assert.equal(after, `${before}data: valid\n\n`);
    stream.close();
  });

  await t.test('end() finishes the stream after flushing what was written', async () => {
    const stream = await openSse(`${url}/lc/ends`);
    await stream.ended;
    assert.equal(stream.text(), 'data: only\n\n');
  });

  await t.test('an async generator streams, and is returned when the client goes away', async () => {
    seen.returned = 0;
    const stream = await openSse(`${url}/lc/iterable`);
    await stream.waitFor((s) => s.includes('id: 3\ndata: n3\n\n'));
    stream.close();
    await eventually(() => seen.returned === 1, 2000, 'generator return');
  });

  await t.test('an Observable-like streams, and is unsubscribed when the client goes away', async () => {
    seen.unsubscribed = 0;
    const stream = await openSse(`${url}/lc/observable`);
    await stream.waitFor((s) => s.includes('data: {"tick":2}\n\n'));
    stream.close();
    await eventually(() => seen.unsubscribed === 1, 2000, 'unsubscribe');
  });

  await t.test('a Promise of a stream, a web ReadableStream of events and a Node Readable all stream', async () => {
    const promised = await openSse(`${url}/lc/promise`);
    await promised.ended;
    assert.equal(promised.text(), 'event: late\ndata: later\n\n');
    const web = await openSse(`${url}/lc/web`);
    await web.ended;
    assert.equal(web.text(), 'data: from web\n\n');
    const node = await openSse(`${url}/lc/node`);
    await node.ended;
    assert.equal(node.text(), 'data: a\n\ndata: b\n\n');
  });

  await t.test('an error after the stream started is logged, sent as a safe "error" event, and ends the stream', async () => {
    const stream = await openSse(`${url}/lc/fails-later`);
    await stream.ended;
    assert.equal(stream.text(), 'data: ok\n\nevent: error\ndata: {"message":"Internal server error"}\n\n');
    assert.ok(!stream.text().includes('hunter2'));
  });

  await t.test('an exception before the stream starts is a normal JSON error, so EventSource stops', async () => {
    const res = await fetch(`${url}/lc/fails-before`, { headers: { accept: 'text/event-stream' } });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('content-type')!, /application\/json/);
    assert.deepEqual(await res.json(), { message: 'no streams for you', error: 'Forbidden', statusCode: 403 });
    const guarded = await fetch(`${url}/guarded/stream`);
    assert.equal(guarded.status, 403);
  });

  await t.test('a handler that returns something that cannot stream is a 500 before the stream starts', async () => {
    const res = await fetch(`${url}/lc/wrong-result`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { statusCode: 500, message: 'Internal server error' });
  });

  await t.test('a non-GET request to an SSE path gets 405, never a stream', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      const res = await fetch(`${url}/lc/manual`, { method });
      assert.equal(res.status, 405, method);
      assert.notEqual(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(res.headers.get('allow'), 'GET');
    }
  });

  await t.test("an idle stream gets heartbeat comments at the route's interval", async () => {
    const stream = await openSse(`${url}/lc/quiet`);
    const text = await stream.waitFor((s) => s.split(':\n\n').length >= 3, 3000);
    assert.match(text, /^(:\n\n)+$/);
    stream.close();
  });

  await eventually(() => app.getSseStats().open === 0, 3000, 'all sessions closed');
  assert.deepEqual(app.getSseStats().heartbeats, { members: 0, timers: 0 });
});

test('@Sse on a non-GET route is a start-up error that says SSE routes must be GET', async () => {
  @Controller()
  class Wrong {
    @Post('events')
    @Sse()
    events() {
      return getSSEStream().body;
    }
  }
  @Module({ controllers: [Wrong] })
  class WrongModule {}
  const app = await NestFactory.create(WrongModule, { logger: false });
  await assert.rejects(app.listen(0, '127.0.0.1'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'SN_ERR_SSE_NOT_GET');
    assert.match(error.message, /Wrong\.events/);
    assert.match(error.message, /must be GET/);
    return true;
  });
});

test('invalid SSE options are refused at start-up, naming the option', async () => {
  @Controller()
  class BadOptions {
    @Sse('events', { heartbeat: -1 })
    events() {
      return getSSEStream().body;
    }
  }
  @Module({ controllers: [BadOptions] })
  class BadModule {}
  const app = await NestFactory.create(BadModule, { logger: false });
  await assert.rejects(app.listen(0, '127.0.0.1'), /"heartbeat" must be a positive integer or false/);
  await assert.rejects(
    NestFactory.create(BadModule, { logger: false, sse: { maxBufferedBytes: 'big' as never } }).then((a) => a.init()),
    /"maxBufferedBytes"/,
  );
});

test('a client that leaves while an async handler is still working costs nothing: cancel runs, no session stays', async (t) => {
  let cancelled = 0;
  @Controller()
  class Slow {
    @Sse('slow')
    async slow() {
      await new Promise((r) => setTimeout(r, 300));
      return getSSEStream({
        cancel() {
          cancelled++;
        },
      }).body;
    }
  }
  const { app, url, close } = await startApp({ controllers: [Slow] });
  t.after(close);
  const http = await import('node:http');
  const req = http.get(`${url}/slow`);
  req.on('error', () => undefined);
  await new Promise((r) => setTimeout(r, 50));
  req.destroy();
  await eventually(() => cancelled === 1, 3000, 'cancel after the early disconnect');
  await eventually(() => app.getSseStats().open === 0, 3000, 'no open session');
  assert.deepEqual(app.getSseStats().heartbeats, { members: 0, timers: 0 });
});
