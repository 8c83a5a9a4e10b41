import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventSource } from 'eventsource';
import { from } from 'rxjs';
import { z } from 'zod';
import { Controller, defineEvents, getSSEStream, Module, NestFactory, Sse, typed, type ContractEvent, type EventsOf, type StandardSchemaV1 } from 'streamnest';
import { SseTestClient } from 'streamnest/testing';
import { CaptureLogger } from '../core/support.js';
import { startApp } from '../support/app.js';
import { openSse } from '../support/sse-reader.js';
import { assertCoded, thrownBy } from '../support/coded-error.js';

/**
 * Typed event contracts at run time: what a validating stream, route or source
 * lets through, what it refuses (a coded error naming the event, the route and
 * the first issue; nothing sent), and that without validation nothing is checked.
 */

const Progress = defineEvents({
  progress: z.object({ pct: z.number().min(0).max(100) }),
  log: z.string(),
  done: typed<{ ok: boolean }>(),
});
/** The same events, checked wherever the contract is used unless told otherwise. */
const CheckedProgress = defineEvents({ progress: z.object({ pct: z.number().min(0).max(100) }) }, { validate: true });
const Other = defineEvents({ progress: z.object({ pct: z.number() }) });
type ProgressEvent = ContractEvent<EventsOf<typeof Progress>>;

/** A Standard Schema written by hand, with no library: an even number. */
const evenNumber: StandardSchemaV1<unknown, number> = {
  '~standard': {
    version: 1,
    vendor: 'hand-written',
    validate: (value) => (typeof value === 'number' && value % 2 === 0 ? { value } : { issues: [{ message: 'must be even', path: [{ key: 'n' }] }] }),
  },
};
/** One that answers with a Promise, as a schema with an async refinement does. */
const asyncSchema: StandardSchemaV1<unknown, string> = {
  '~standard': { version: 1, vendor: 'async-lib', validate: (value) => Promise.resolve({ value: String(value) }) },
};

/** Everything a stream's body carries once it ends, read as a plain web stream. */
async function bodyText(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

test('defineEvents keeps the names and schemas, and refuses what is not a contract at once', () => {
  assert.deepEqual(Progress.names, ['progress', 'log', 'done']);
  assert.equal(Progress.validate, false);
  assert.equal(CheckedProgress.validate, true);
  assert.ok(Object.isFrozen(Progress) && Object.isFrozen(Progress.schemas));
  assertCoded(
    thrownBy(() => defineEvents({ progress: 42 } as never)),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /event "progress"/,
    /Standard Schema/,
    /number 42/,
  );
  assertCoded(
    thrownBy(() => defineEvents({ progress: { parse() {} } } as never)),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /an object \(Object\)/,
  );
  assertCoded(
    thrownBy(() => defineEvents({})),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /at least one event/,
  );
  assertCoded(
    thrownBy(() => defineEvents({ 'two\nlines': typed<string>() })),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /CR or LF/,
  );
  assertCoded(
    thrownBy(() => defineEvents(null as never)),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /event name -> schema/,
  );
  assertCoded(
    thrownBy(() => defineEvents({ a: typed<string>() }, { validate: 'yes' as never })),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /validate is a boolean/,
  );
  assertCoded(
    thrownBy(() => getSSEStream({ events: { progress: z.string() } as never })),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /getSSEStream\(\{ events \}\)/,
    /defineEvents/,
  );
});

test('a validating stream refuses a wrong name or payload with a coded error, and sends nothing of it', async () => {
  const { write, end, body } = getSSEStream({ events: Progress, validate: true });
  write({ event: 'progress', data: { pct: 10 } });
  assertCoded(
    thrownBy(() => write({ event: 'progress', data: { pct: 500 } })),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
    /getSSEStream/,
    /event "progress"/,
    /at pct: Too big/,
    /Nothing was sent/,
  );
  assertCoded(
    thrownBy(() => write({ event: 'progres', data: { pct: 1 } } as never)),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
    /"progres"/,
    /"progress", "log", "done"/,
  );
  // Names are looked up as the contract's own, never through Object.prototype.
  assertCoded(
    thrownBy(() => write({ event: 'constructor', data: {} } as never)),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
    /"constructor"/,
  );
  assertCoded(
    thrownBy(() => write({ data: { pct: 1 } } as never)),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
    /no "event" name/,
  );
  assertCoded(
    thrownBy(() => write(null as never)),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
    /not an object/,
  );
  assertCoded(
    thrownBy(() => write({ event: 'log', data: 7 } as never)),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
    /event "log"/,
    /expected string/,
  );
  // typed<T>() has no run-time check: the name is checked, the data is not.
  write({ event: 'done', data: { ok: 'not checked' } as never });
  write({ event: 'log', data: 'line' });
  end();
  assert.equal(await bodyText(body), 'event: progress\ndata: {"pct":10}\n\nevent: done\ndata: {"ok":"not checked"}\n\nevent: log\ndata: line\n\n');
});

test('validation follows the contract unless the stream says otherwise, and is off by default', async () => {
  // The contract's validate: true.
  assertCoded(
    thrownBy(() => getSSEStream({ events: CheckedProgress }).write({ event: 'progress', data: { pct: -1 } })),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
  );
  // Turned off for one stream: sent unchecked.
  const off = getSSEStream({ events: CheckedProgress, validate: false });
  off.write({ event: 'progress', data: { pct: -1 } });
  off.end();
  assert.equal(await bodyText(off.body), 'event: progress\ndata: {"pct":-1}\n\n');
  // No validate anywhere: a typed stream checks nothing at run time.
  const unchecked = getSSEStream({ events: Progress });
  unchecked.write({ event: 'nope', data: 1 } as never);
  unchecked.end();
  assert.equal(await bodyText(unchecked.body), 'event: nope\ndata: 1\n\n');
  assertCoded(
    thrownBy(() => getSSEStream({ events: Progress, validate: 'yes' as never })),
    'SN_ERR_INVALID_EVENT_CONTRACT',
    'TypeError',
    /validate/,
  );
});

test('any Standard Schema checks: one written by hand, with no library', async () => {
  const Counter = defineEvents({ tick: evenNumber }, { validate: true });
  const { write, end, body } = getSSEStream({ events: Counter });
  write({ event: 'tick', data: 2 });
  assertCoded(
    thrownBy(() => write({ event: 'tick', data: 3 })),
    'SN_ERR_SSE_EVENT_INVALID',
    'TypeError',
    /event "tick"/,
    /at n: must be even/,
  );
  end();
  assert.equal(await bodyText(body), 'event: tick\ndata: 2\n\n');
});

test('a schema that validates asynchronously is an error at its first use, with its own code', () => {
  const Async = defineEvents({ name: asyncSchema }, { validate: true });
  assertCoded(
    thrownBy(() => getSSEStream({ events: Async }).write({ event: 'name', data: 'x' })),
    'SN_ERR_SSE_SCHEMA_ASYNC',
    'Error',
    /async-lib schema of event "name"/,
    /returned a Promise/,
  );
  // zod with an async refinement answers the same way.
  const ZodAsync = defineEvents({ name: z.string().refine(async () => true) }, { validate: true });
  assertCoded(
    thrownBy(() => getSSEStream({ events: ZodAsync }).write({ event: 'name', data: 'x' })),
    'SN_ERR_SSE_SCHEMA_ASYNC',
    'Error',
    /zod schema/,
  );
});

test('a write after the client left is a no-op that never throws, even a wrong one', async () => {
  const stream = getSSEStream({ events: Progress, validate: true });
  await stream.body.cancel();
  assert.equal(stream.write({ event: 'progress', data: { pct: 500 } }), false);
});

const thrown: unknown[] = [];
const cancelled: unknown[] = [];

/** An Observable-like source of these events, with no rxjs. */
function observableOf(events: unknown[]) {
  return {
    subscribe(observer: { next(value: unknown): void; complete(): void }) {
      for (const event of events) observer.next(event);
      observer.complete();
      return { unsubscribe() {} };
    },
  };
}

@Controller('contract')
class ContractController {
  @Sse('stream/:job', { events: Progress, validate: true })
  checkedStream() {
    const { write, end, body } = getSSEStream({ events: Progress, validate: true });
    write({ event: 'progress', data: { pct: 10 } });
    // Handed to the route after the handler returns: then its errors name the route.
    setImmediate(() => {
      try {
        write({ event: 'progress', data: { pct: 500 } });
      } catch (error) {
        thrown.push(error);
      }
      write({ event: 'done', data: { ok: true } });
      end();
    });
    return body;
  }

  @Sse('unvalidated', { events: Progress })
  unvalidated() {
    return from<ProgressEvent[]>([
      { event: 'progress', data: { pct: 500 } },
      { event: 'nope' as 'log', data: 'x' },
    ]);
  }

  @Sse('plain-stream', { events: Progress, validate: true })
  plainStream() {
    return getSSEStream({ cancel: (reason) => cancelled.push(reason) }).body;
  }

  @Sse('other-contract', { events: Progress, validate: true })
  otherContract() {
    return getSSEStream({ events: Other, validate: true }).body;
  }

  @Sse('unchecked-stream', { events: Progress, validate: true })
  uncheckedStream() {
    return getSSEStream({ events: Progress }).body;
  }

  @Sse('observable', { events: Progress, validate: true })
  observable() {
    return from<ProgressEvent[]>([
      { event: 'progress', data: { pct: 10 } },
      { event: 'progress', data: { pct: 'ten' as never } },
      { event: 'done', data: { ok: true } },
    ]);
  }

  @Sse('observable-like', { events: Progress, validate: true })
  observableLike() {
    return observableOf([{ event: 'log', data: 'first' }, { event: 'log' }]);
  }

  @Sse('iterator', { events: Progress, validate: true })
  async *iterator(): AsyncGenerator<ProgressEvent> {
    yield { event: 'progress', data: { pct: 1 } };
    yield { event: 'cancelled', data: {} } as never;
    yield { event: 'done', data: { ok: true } };
  }

  @Sse('raw', { events: Progress, validate: true })
  raw() {
    return new ReadableStream<string>({
      start(controller) {
        controller.enqueue('event: progress\ndata: {"pct":1}\n\n');
        controller.close();
      },
    });
  }

  @Sse('contract-validates', { events: CheckedProgress })
  contractValidates() {
    return observableOf([
      { event: 'progress', data: { pct: 1 } },
      { event: 'progress', data: { pct: 101 } },
    ]);
  }

  @Sse('route-turns-off', { events: CheckedProgress, validate: false })
  routeTurnsOff() {
    return observableOf([{ event: 'progress', data: { pct: 101 } }]);
  }
}

test('over HTTP: a validating route and its stream, with the npm eventsource client', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [ContractController] }, undefined, { logger });
  t.after(close);

  await t.test('a stream checked against the route contract: the wrong write throws naming the route, the rest arrives', async () => {
    thrown.length = 0;
    const source = new EventSource(`${url}/contract/stream/7`);
    t.after(() => source.close());
    const got: Array<[string, string]> = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${JSON.stringify(got)}`)), 8000);
      for (const type of ['progress', 'done', 'error']) {
        source.addEventListener(type, (event) => {
          got.push([type, (event as MessageEvent).data]);
          if (type === 'done') {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
    source.close();
    assert.deepEqual(got, [
      ['progress', '{"pct":10}'],
      ['done', '{"ok":true}'],
    ]);
    assert.equal(thrown.length, 1);
    assertCoded(
      thrown[0],
      'SN_ERR_SSE_EVENT_INVALID',
      'TypeError',
      /ContractController\.checkedStream \(GET \/contract\/stream\/:job\)/,
      /event "progress"/,
      /at pct/,
    );
  });

  await t.test('a route without validate sends what it is given', async () => {
    const client = await SseTestClient.connect(`${url}/contract/unvalidated`);
    await client.closed;
    assert.deepEqual(
      client.events.map((e) => [e.type, e.data]),
      [
        ['progress', '{"pct":500}'],
        ['nope', 'x'],
      ],
    );
  });

  await t.test('a validating route refuses a getSSEStream() that does not check against its contract: a 500 before the stream starts', async () => {
    for (const path of ['plain-stream', 'other-contract', 'unchecked-stream']) {
      const res = await fetch(`${url}/contract/${path}`);
      assert.equal(res.status, 500, path);
      assert.deepEqual(await res.json(), { statusCode: 500, message: 'Internal server error' });
    }
    // The refused stream is ended, so its producer stops.
    assert.deepEqual(cancelled, ['error']);
    const log = logger.text();
    assert.match(log, /SN_ERR_SSE_CONTRACT_MISMATCH: ContractController\.plainStream .*made without validating a contract/);
    assert.match(log, /SN_ERR_SSE_CONTRACT_MISMATCH: ContractController\.otherContract .*another contract/);
    assert.match(log, /SN_ERR_SSE_CONTRACT_MISMATCH: ContractController\.uncheckedStream /);
  });

  await t.test('an Observable, an Observable-like and an AsyncIterable that yield a wrong event end with event: error', async () => {
    for (const [path, before, problem] of [
      ['observable', [['progress', '{"pct":10}']], /event "progress".*expected number/],
      ['observable-like', [['log', 'first']], /event "log".*expected string, received undefined/],
      ['iterator', [['progress', '{"pct":1}']], /event "cancelled".*not this one/],
    ] as const) {
      const raw = await openSse(`${url}/contract/${path}`);
      await raw.ended;
      const client = await SseTestClient.connect(`${url}/contract/${path}`);
      await client.closed;
      assert.deepEqual(
        client.events.map((e) => [e.type, e.data]),
        [...before, ['error', '{"message":"Internal server error"}']],
        path,
      );
      assert.ok(!raw.text().includes('"ok":true'), `${path}: nothing after the wrong event is sent`);
      assert.match(
        logger.text(),
        new RegExp(`SN_ERR_SSE_EVENT_INVALID: ContractController\\.${path === 'observable-like' ? 'observableLike' : path} \\(GET /contract/${path}\\)`),
      );
      assert.match(logger.text(), problem);
    }
  });

  await t.test('raw text from a ReadableStream cannot be checked: the stream ends with event: error', async () => {
    const client = await SseTestClient.connect(`${url}/contract/raw`);
    await client.closed;
    assert.deepEqual(
      client.events.map((e) => [e.type, e.data]),
      [['error', '{"message":"Internal server error"}']],
    );
    assert.match(logger.text(), /raw text or bytes cannot be checked/);
  });

  await t.test("the contract's validate applies to a route, and the route may turn it off", async () => {
    const checked = await SseTestClient.connect(`${url}/contract/contract-validates`);
    await checked.closed;
    assert.deepEqual(
      checked.events.map((e) => e.type),
      ['progress', 'error'],
    );
    const off = await SseTestClient.connect(`${url}/contract/route-turns-off`);
    await off.closed;
    assert.deepEqual(
      off.events.map((e) => [e.type, e.data]),
      [['progress', '{"pct":101}']],
    );
  });
});

test('start-up: a route whose contract or validate option is wrong fails app.init(), naming it', async () => {
  async function initError(controller: Function): Promise<unknown> {
    @Module({ controllers: [controller as never] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    try {
      await app.init();
    } catch (error) {
      return error;
    } finally {
      await app.close();
    }
    return assert.fail('expected init to fail');
  }
  @Controller()
  class NoContract {
    @Sse('a', { validate: true })
    a() {}
  }
  assertCoded(await initError(NoContract), 'SN_ERR_INVALID_SSE_OPTION', 'TypeError', /NoContract\.a/, /"validate" needs a contract/);
  @Controller()
  class NotAContract {
    @Sse('b', { events: { progress: 'number' } as never })
    b() {}
  }
  assertCoded(await initError(NotAContract), 'SN_ERR_INVALID_EVENT_CONTRACT', 'TypeError', /@Sse\(\) on NotAContract\.b, option "events"/, /defineEvents/);
  @Controller()
  class BadValidate {
    @Sse('c', { events: Progress, validate: 1 as never })
    c() {}
  }
  assertCoded(await initError(BadValidate), 'SN_ERR_INVALID_SSE_OPTION', 'TypeError', /"validate" must be a boolean/);
  @Controller()
  class StillLimits {
    @Sse('d', { events: Progress, heartbeat: -1 })
    d() {}
  }
  assertCoded(await initError(StillLimits), 'SN_ERR_INVALID_SSE_OPTION', 'TypeError', /"heartbeat"/);
});
