import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import {
  Controller,
  Get,
  Header,
  Logger,
  type LoggerService,
  Module,
  type MiddlewareConsumer,
  type NestMiddleware,
  NestFactory,
  type NestModule,
} from 'streamnest';
import { WebRequest } from '#internal/http/web/web-request.js';
import { WebResponse } from '#internal/http/web/web-response.js';

/**
 * The web engine takes a handler's whole answer in one call and ends
 * responses in batches (src/http/web/web-response.ts): the response must
 * still carry, and read back, exactly the headers Node's response would, and
 * every response must still finish once, whatever its neighbours' listeners do.
 * Run on Node, Deno and Bun, each with its own web Request and Response.
 */

const seen: Record<string, unknown>[] = [];

/** Reads the headers back once the response finished, as a logging middleware does. */
class ReadBack implements NestMiddleware {
  use(req: any, res: any, next: () => void): void {
    if (req.url.startsWith('/traced')) res.setHeader('X-Trace', 'a1');
    res.on('finish', () => {
      seen.push({
        url: req.url,
        type: res.getHeader('content-type'),
        length: res.getHeader('Content-Length'),
        nosniff: res.getHeader('x-content-type-options'),
        names: res.getHeaderNames().sort(),
      });
    });
    next();
  }
}

@Controller()
class AnswerController {
  @Get('/json')
  json() {
    return { hello: 'wörld' };
  }

  @Get('/text')
  text() {
    return 'plain';
  }

  @Get('/problem')
  @Header('Content-Type', 'application/problem+json')
  problem() {
    return { title: 'nope' };
  }

  @Get('/traced')
  traced() {
    return [1, 2, 3];
  }
}

@Module({ controllers: [AnswerController] })
class AnswerModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ReadBack).forRoutes('*');
  }
}

const app = await NestFactory.create(AnswerModule, { logger: false });
after(() => app.close());
const call = (path: string) => app.fetch(new Request(`http://app.test${path}`));

/** What the finish listener saw for `url`, once the response finished (a microtask after the answer). */
async function readBack(url: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 50 && !seen.some((s) => s.url === url); i++) await new Promise((r) => setTimeout(r, 10));
  const found = seen.find((s) => s.url === url);
  assert.ok(found, `no finish seen for ${url}`);
  return found;
}

test('a JSON answer carries its type and nosniff, and reads back type, length and nosniff as on Node', async () => {
  const response = await call('/json');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(await response.json(), { hello: 'wörld' });
  assert.deepEqual(await readBack('/json'), {
    url: '/json',
    type: 'application/json; charset=utf-8',
    length: Buffer.byteLength('{"hello":"wörld"}'),
    nosniff: 'nosniff',
    names: ['content-length', 'content-type', 'x-content-type-options'],
  });
});

test('a string answer is text; a type the route set and a header middleware set are kept beside the framework’s', async () => {
  const text = await call('/text');
  assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await text.text(), 'plain');

  const problem = await call('/problem');
  assert.equal(problem.headers.get('content-type'), 'application/problem+json');
  assert.equal(problem.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(await problem.json(), { title: 'nope' });
  assert.equal((await readBack('/problem')).type, 'application/problem+json');

  const traced = await call('/traced');
  assert.equal(traced.headers.get('x-trace'), 'a1');
  assert.equal(traced.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(await traced.json(), [1, 2, 3]);
  assert.deepEqual((await readBack('/traced')).names, ['content-length', 'content-type', 'x-content-type-options', 'x-trace']);
});

test("responses ended in one turn each finish once, with their end callback, though another's finish listener throws (logged)", async () => {
  const logged: string[] = [];
  const capture: LoggerService = {
    log: () => undefined,
    warn: () => undefined,
    error: (message: unknown, stack?: unknown) => logged.push(`${message} ${stack}`),
  };
  Logger.overrideLogger(capture);
  try {
    const make = () => new WebResponse(new WebRequest(new Request('http://app.test/x')));
    const [thrower, second, third] = [make(), make(), make()];
    const finished: string[] = [];
    let callbacks = 0;
    thrower.on('finish', () => {
      throw new Error('boom from a finish listener');
    });
    second.on('finish', () => {
      finished.push('second');
      // Ends another response while the batch finishes: it joins the batch.
      third.end('c');
    });
    third.on('finish', () => finished.push('third'));
    third.on('close', () => finished.push('third closed'));
    thrower.end('a');
    second.end('b', () => callbacks++);
    assert.equal(second.writableFinished, false, 'finish comes a microtask after end(), as on Node');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(finished, ['second', 'third', 'third closed']);
    assert.equal(callbacks, 1);
    assert.ok(second.writableFinished && third.writableFinished && thrower.writableFinished);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /boom from a finish listener/);
    assert.equal(await (await second.result).text(), 'b');
  } finally {
    Logger.overrideLogger(false);
  }
});

test("the constants a web request and response share read as Node's, and an app may still set its own", async () => {
  const req = new WebRequest(new Request('http://app.test/x', { method: 'POST', body: 'abc' }));
  const res = new WebResponse(req);
  assert.deepEqual([req.httpVersion, req.httpVersionMajor, req.httpVersionMinor, req.complete], ['1.1', 1, 1, false]);
  assert.deepEqual([res.sendDate, res.socket, res.writableHighWaterMark], [false, null, 16 * 1024]);
  (res as { sendDate: boolean }).sendDate = true;
  assert.equal(res.sendDate, true);
  assert.equal(new WebResponse(req).sendDate, false, 'set on one response, not on all');
  let body = '';
  for await (const chunk of req) body += chunk;
  assert.equal(body, 'abc');
  assert.equal(req.complete, true);
  assert.equal(new WebRequest(new Request('http://app.test/y')).complete, false, 'complete on one request, not on all');
});
