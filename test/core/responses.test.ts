import { test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { Body, Controller, Get, Header, HttpCode, Post, Put, Query, Redirect, Req } from 'streamnest';
import { startApp } from '../support/app.js';
import { call, eventually } from './support.js';
import { runtimeSkip } from '../runtimes/skips.js';

const probe = { produced: 0, destroyed: false, cancelled: false };

/** A Readable that makes `total` bytes on demand, counting what it made, so backpressure shows. */
function counted(total: number, chunk = 64 * 1024): Readable {
  return new Readable({
    highWaterMark: chunk,
    read() {
      if (probe.produced >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(chunk, total - probe.produced);
      probe.produced += size;
      this.push(Buffer.alloc(size, 97));
    },
    destroy(error, callback) {
      probe.destroyed = true;
      callback(error);
    },
  });
}

/** An endless slow stream, for disconnects. */
function endless(): Readable {
  return new Readable({
    read() {
      setTimeout(() => this.push('tick\n'), 5);
    },
    destroy(error, callback) {
      probe.destroyed = true;
      callback(error);
    },
  });
}

@Controller('r')
class ResponsesController {
  @Get('object') object() {
    return { a: 1, nested: { b: [true, null] } };
  }
  @Get('array') array() {
    return [1, 'two'];
  }
  @Get('string') string() {
    return 'héllo';
  }
  @Get('buffer') buffer() {
    return Buffer.from([0, 1, 2, 255]);
  }
  @Get('undefined') nothing() {
    return undefined;
  }
  @Post('undefined') created() {
    return undefined;
  }
  @Get('null') nullish() {
    return null;
  }
  @Get('async') async later() {
    await new Promise((r) => setTimeout(r, 5));
    return { later: true };
  }
  @Get('readable') readable() {
    return Readable.from(['a', 'b', 'c']);
  }
  @Get('web') web() {
    return new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('web '));
        controller.enqueue(new TextEncoder().encode('stream'));
        controller.close();
      },
    });
  }
  @Get('big') big(@Query('bytes') bytes: string) {
    probe.produced = 0;
    probe.destroyed = false;
    return counted(Number(bytes));
  }
  @Get('endless') endlessStream() {
    probe.destroyed = false;
    return endless();
  }
  @Get('endless-web') endlessWeb() {
    probe.cancelled = false;
    return new ReadableStream({
      pull: (controller) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            if (!probe.cancelled) controller.enqueue(new TextEncoder().encode('tock\n'));
            resolve();
          }, 5),
        ),
      cancel: () => {
        probe.cancelled = true;
      },
    });
  }
  @Get('broken-stream') brokenStream() {
    let sent = false;
    return new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push('partial');
        } else this.destroy(new Error('disk gone'));
      },
    });
  }
  @Get('code') @HttpCode(202) accepted() {
    return { queued: true };
  }
  @Put('no-content') @HttpCode(204) noContent() {
    return undefined;
  }
  @Get('headers') @Header('Cache-Control', 'no-store') @Header('Content-Type', 'text/html; charset=utf-8') headers() {
    return '<b>hi</b>';
  }
  @Get('redirect') @Redirect('/r/object', 301) redirect() {
    return undefined;
  }
  @Get('redirect-default') @Redirect('https://example.com/') redirectDefault() {
    return undefined;
  }
  @Get('redirect-dynamic') @Redirect('/r/object') redirectDynamic(@Query('to') to: string) {
    return to ? { url: to, statusCode: 307 } : undefined;
  }
  @Get('circular') circular() {
    const o: Record<string, unknown> = {};
    o.self = o;
    return o;
  }
}

@Controller('echo-body')
class EchoBody {
  @Post() echo(@Body() body: unknown) {
    return body;
  }
}

test('objects and arrays are JSON, strings are text, Buffers go as they are', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  const obj = await call(`${url}/r/object`);
  assert.equal(obj.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(obj.body, { a: 1, nested: { b: [true, null] } });
  assert.deepEqual((await call(`${url}/r/array`)).body, [1, 'two']);
  const text = await call(`${url}/r/string`);
  assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(text.headers.get('content-length'), String(Buffer.byteLength('héllo')));
  assert.equal(text.text, 'héllo');
  const bin = await fetch(`${url}/r/buffer`);
  assert.equal(bin.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual([...new Uint8Array(await bin.arrayBuffer())], [0, 1, 2, 255]);
});

test('undefined is an empty 200 (201 for POST), null too; async handlers are awaited', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  const empty = await call(`${url}/r/undefined`);
  assert.equal(empty.status, 200);
  assert.equal(empty.text, '');
  assert.equal(empty.headers.get('content-length'), '0');
  const created = await call(`${url}/r/undefined`, { method: 'POST' });
  assert.equal(created.status, 201);
  assert.equal(created.text, '');
  assert.equal((await call(`${url}/r/null`)).text, '');
  assert.deepEqual((await call(`${url}/r/async`)).body, { later: true });
});

test('a Node Readable and a web ReadableStream are streamed', runtimeSkip('core: a Node Readable and a web ReadableStream are streamed'), async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  const node = await call(`${url}/r/readable`);
  assert.equal(node.text, 'abc');
  assert.equal(node.headers.get('transfer-encoding'), 'chunked');
  assert.equal((await call(`${url}/r/web`)).text, 'web stream');
});

test('streams respect backpressure: a client that does not read stalls the source; reading again gets every byte', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  const total = 64 * 1024 * 1024;
  let received = 0;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get(`${url}/r/big?bytes=${total}`, { agent: false }, resolve);
    req.on('error', reject);
  });
  res.pause();
  // Wait until production stops growing: the pipe is stalled on the unread socket.
  let last = -1;
  let steady = 0;
  await eventually(
    () => {
      steady = probe.produced === last && probe.produced > 0 ? steady + 1 : 0;
      last = probe.produced;
      return steady >= 10;
    },
    'the source to stall',
    20_000,
  );
  assert.ok(probe.produced < total, `the source made ${probe.produced} of ${total} bytes although nobody read`);
  await new Promise<void>((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    res.on('end', resolve);
    res.on('error', reject);
    res.resume();
  });
  assert.equal(received, total);
});

test('a client that disconnects mid-stream: the source is destroyed (web: cancelled), and the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  for (const path of ['endless', 'endless-web']) {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${url}/r/${path}`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
    });
  }
  await eventually(() => probe.destroyed, 'the Node source to be destroyed');
  await eventually(() => probe.cancelled, 'the web source to be cancelled');
  assert.deepEqual((await call(`${url}/r/object`)).body.a, 1);
});

test('a stream that fails midway cuts the response; the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  await assert.rejects(call(`${url}/r/broken-stream`));
  assert.equal((await call(`${url}/r/string`)).text, 'héllo');
});

test('a result that cannot be serialised is a 500, not a crash', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  assert.equal((await call(`${url}/r/circular`)).status, 500);
  assert.equal((await call(`${url}/r/string`)).status, 200);
});

test('@HttpCode sets the status, @Header sets headers (Content-Type included)', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  const res = await call(`${url}/r/code`);
  assert.equal(res.status, 202);
  assert.deepEqual(res.body, { queued: true });
  assert.equal((await call(`${url}/r/no-content`, { method: 'PUT' })).status, 204);
  const html = await call(`${url}/r/headers`);
  assert.equal(html.headers.get('cache-control'), 'no-store');
  assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(html.text, '<b>hi</b>');
});

test('@Redirect: static URL and status, default 302, or overridden by the handler', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController] });
  t.after(close);
  const fixed = await fetch(`${url}/r/redirect`, { redirect: 'manual' });
  assert.equal(fixed.status, 301);
  assert.equal(fixed.headers.get('location'), '/r/object');
  const followed = await call(`${url}/r/redirect`);
  assert.deepEqual(followed.body.a, 1);
  const byDefault = await fetch(`${url}/r/redirect-default`, { redirect: 'manual' });
  assert.equal(byDefault.status, 302);
  assert.equal(byDefault.headers.get('location'), 'https://example.com/');
  const dynamic = await fetch(`${url}/r/redirect-dynamic?to=/elsewhere`, { redirect: 'manual' });
  assert.equal(dynamic.status, 307);
  assert.equal(dynamic.headers.get('location'), '/elsewhere');
  const fallback = await fetch(`${url}/r/redirect-dynamic`, { redirect: 'manual' });
  assert.equal(fallback.status, 302);
  assert.equal(fallback.headers.get('location'), '/r/object');
});

test('a client that goes away before a slow handler answers: the late answer is dropped quietly, the server keeps serving', async (t) => {
  const state = { started: false, closedByClient: false, answered: false, release: () => {} };
  @Controller('late')
  class LateController {
    @Get()
    async late(@Req() req: IncomingMessage) {
      req.socket.once('close', () => {
        state.closedByClient = true;
      });
      await new Promise<void>((resolve) => {
        state.release = resolve;
        state.started = true;
      });
      state.answered = true;
      return { big: 'x'.repeat(100_000) };
    }
  }
  const { url, close } = await startApp({ controllers: [LateController, ResponsesController] });
  t.after(close);
  const req = http.get(`${url}/late`, { agent: false });
  req.on('error', () => {});
  await eventually(() => state.started, 'the handler to start');
  req.destroy();
  await eventually(() => state.closedByClient, 'the server to see the client leave');
  state.release();
  await eventually(() => state.answered, 'the handler to answer');
  assert.deepEqual((await call(`${url}/r/object`)).body.a, 1);
});

test('a client that sends half a body and leaves does not break the server', async (t) => {
  const { url, close } = await startApp({ controllers: [ResponsesController, EchoBody] });
  t.after(close);
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write('POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
      setImmediate(() => {
        socket.destroy();
        resolve();
      });
    });
  });
  assert.equal((await call(`${url}/r/string`)).text, 'héllo');
  assert.deepEqual((await call(`${url}/echo-body`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).body, { a: 1 });
});
