// The web-standard engine on Node: app.fetch(request) runs the same entry
// point and compiled routes as the Node server, with no socket at all. Each
// test sends real web Requests and reads real web Responses (their bodies as
// streams), as Deno.serve and Bun.serve do when they call it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Body,
  type CanActivate,
  Controller,
  Get,
  getSSEStream,
  Header,
  HttpCode,
  Injectable,
  LastEventId,
  NestFactory,
  Module,
  Param,
  ParseIntPipe,
  Post,
  Req,
  Res,
  Sse,
  SseHub,
  SseModule,
  UploadedFile,
  UseGuards,
  UseInterceptors,
  type ExpressRequest,
  type ExpressResponse,
  type NestApplication,
} from 'streamnest';
import { FileInterceptor, type MulterFile } from 'streamnest/upload';

@Injectable()
class KeyGuard implements CanActivate {
  canActivate(context: { switchToHttp(): { getRequest(): ExpressRequest } }) {
    return context.switchToHttp().getRequest().get('x-key') === 'open';
  }
}

const cancels: string[] = [];
const closes: string[] = [];
const lateWrites: string[] = [];
const socketCloses: string[] = [];

@Controller()
class ThingsController {
  constructor(private readonly hub: SseHub) {}

  @Get('things/:id')
  one(@Param('id', ParseIntPipe) id: number, @Req() req: ExpressRequest) {
    return { id, query: req.query, ip: req.ip ?? null, protocol: req.protocol, host: req.get('host') ?? null, hostname: req.hostname };
  }

  @Post('things')
  @HttpCode(201)
  create(@Body() body: unknown) {
    return { got: body };
  }

  @Post('avatar')
  @UseInterceptors(FileInterceptor('avatar', { limits: { fileSize: 2048 } }))
  avatar(@UploadedFile() file: MulterFile, @Body() body: Record<string, string>) {
    return { name: file.originalname, size: file.size, bytes: file.buffer?.toString('utf8'), body };
  }

  @Get('guarded')
  @UseGuards(KeyGuard)
  guarded() {
    return 'in';
  }

  @Get('cookies')
  cookies(@Res() res: ExpressResponse) {
    res.cookie('a', '1').cookie('b', '2').status(202).json({ set: 2 });
  }

  @Get('moved')
  moved(@Res() res: ExpressResponse) {
    res.redirect(301, '/things/1');
  }

  @Get('empty')
  @HttpCode(204)
  empty() {
    return undefined;
  }

  @Get('big')
  big() {
    return 10n;
  }

  @Get('write-after-end')
  writeAfterEnd(@Res() res: ExpressResponse) {
    res.end('done');
    (res as unknown as { write(chunk: string, encoding: string, callback: (error?: Error | null) => void): boolean }).write(
      'late',
      'utf8',
      (error?: Error | null) => lateWrites.push((error as { code?: string } | null | undefined)?.code ?? 'no error'),
    );
  }

  @Get('odd-status')
  oddStatus(@Res() res: ExpressResponse) {
    res.status(700).send('seven hundred');
  }

  @Get('bad-header')
  badHeader(@Res() res: ExpressResponse) {
    res.setHeader('X-Evil', 'a\r\nInjected: yes');
    res.end('never');
  }

  @Get('text')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  text() {
    return 'héllo';
  }

  @Get('ticks')
  @Sse({ heartbeat: 50 })
  ticks() {
    const { write, body } = getSSEStream({
      cancel: () => {
        clearInterval(timer);
        cancels.push('ticks');
      },
    });
    let n = 0;
    const timer = setInterval(() => write({ id: ++n, data: { n } }), 10);
    return body;
  }

  @Get('slow')
  async slow(@Res({ passthrough: true }) res: ExpressResponse) {
    res.on('close', () => closes.push(res.writableFinished ? 'finished' : 'left'));
    await new Promise((r) => setTimeout(r, 300));
    return 'late';
  }

  @Get('slow-socket')
  async slowSocket(@Req() req: ExpressRequest) {
    req.socket.once('close', () => socketCloses.push('socket closed'));
    await new Promise((r) => setTimeout(r, 300));
    return 'late';
  }

  @Get('quiet')
  @Sse({ heartbeat: 50 })
  quiet() {
    return getSSEStream().body;
  }

  @Get('firehose')
  @Sse({ heartbeat: false, maxBufferedBytes: 64 * 1024 })
  firehose() {
    const { write, body } = getSSEStream({ cancel: () => cancels.push('firehose') });
    const chunk = 'x'.repeat(4096);
    // Writes while the reader takes nothing: past maxBufferedBytes the session drops this slow client.
    const timer = setInterval(() => {
      for (let i = 0; i < 8; i++) write({ data: chunk });
    }, 1);
    setTimeout(() => clearInterval(timer), 2_000);
    return body;
  }

  @Get('feed')
  @Sse({ heartbeat: false })
  feed(@LastEventId() lastEventId?: string) {
    return this.hub.subscribe('news', { lastEventId });
  }
}

@Module({ imports: [SseModule.forRoot()], controllers: [ThingsController], providers: [KeyGuard] })
class AppModule {}

const statics = mkdtempSync(join(tmpdir(), 'streamnest-fetch-'));
writeFileSync(join(statics, 'hello.txt'), 'static hello');

let app: NestApplication;
async function start(): Promise<NestApplication> {
  const made = await NestFactory.create(AppModule, { logger: false, bodyParser: { limit: 1024 }, cors: { origin: 'https://a.example' } });
  made.useStaticAssets(statics, { prefix: '/static' });
  return made;
}
app = await start();
// No socket holds the event loop open here (heartbeat timers are unref'd): a host server would. This stands in for it.
const host = setInterval(() => undefined, 1_000);
after(() => {
  clearInterval(host);
  return app.close();
});

const url = (path: string) => `http://app.test${path}`;
const call = (path: string, init?: RequestInit) => app.fetch(new Request(url(path), init));

/** Reads an event stream until `enough` says so, or it ends; then cancels it. */
async function readEvents(response: Response, enough: (text: string) => boolean, ms = 5_000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  while (!enough(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

test('app.fetch initialises the app on first use, once, however many requests come at once', async () => {
  const fresh = await start();
  try {
    const answers = await Promise.all([1, 2, 3].map((n) => fresh.fetch(new Request(url(`/things/${n}`)))));
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200],
    );
  } finally {
    await fresh.close();
  }
});

test('routes, params with pipes, the query, the client the caller names, and a Host taken from the URL when the request has none (HTTP/2, a Request made in code)', async () => {
  const res = await app.fetch(new Request(url('/things/7?tag=a&tag=b')), { address: '10.1.2.3', secure: true });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^application\/json/);
  assert.deepEqual(await res.json(), { id: 7, query: { tag: ['a', 'b'] }, ip: '10.1.2.3', protocol: 'https', host: 'app.test', hostname: 'app.test' });
  const named = await app.fetch(new Request('http://127.0.0.1:8080/things/1', { headers: { host: 'named.example' } }));
  assert.equal((await named.json()).host, 'named.example', 'a Host the client sent is kept');
  const bad = await call('/things/seven');
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /numeric string/);
});

test('bodies: JSON in, a 201 out; over the limit 413; malformed 400; a body with no length still arrives', async () => {
  const ok = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) });
  assert.equal(ok.status, 201);
  assert.deepEqual(await ok.json(), { got: { a: 1 } });
  const streamed = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"b":'));
      controller.enqueue(new TextEncoder().encode('2}'));
      controller.close();
    },
  });
  const chunked = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed, duplex: 'half' } as RequestInit);
  assert.deepEqual(await chunked.json(), { got: { b: 2 } });
  const big = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(5000) }) });
  assert.equal(big.status, 413);
  const broken = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
  assert.equal(broken.status, 400);
});

test('a body whose client leaves half way (its stream errors) is no crash, before or after the limit answered 413, as an IncomingMessage with no error listener', async () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    for (const size of [100, 3000]) {
      let sent = 0;
      const leaving = new ReadableStream<Uint8Array>({
        pull(controller) {
          // The client's connection closing, as the runtime's server reports it: the body stream errors.
          if (sent >= size) return controller.error(new DOMException('The connection was closed.', 'AbortError'));
          sent += 500;
          controller.enqueue(new TextEncoder().encode(' '.repeat(500)));
        },
      });
      const res = await call('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: leaving, duplex: 'half' } as RequestInit);
      await res.arrayBuffer().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    process.off('uncaughtException', record);
  }
  assert.deepEqual(uncaught, []);
  assert.equal((await call('/things/1')).status, 200, 'the app still serves');
});

test('uploads: a multipart FormData body reaches FileInterceptor with its fields; a file past its limit is a 413', async () => {
  const form = new FormData();
  form.append('title', 'me');
  form.append('avatar', new Blob(['pixels']), 'me.png');
  const res = await call('/avatar', { method: 'POST', body: form });
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { name: 'me.png', size: 6, bytes: 'pixels', body: { title: 'me' } });
  const big = new FormData();
  big.append('avatar', new Blob(['x'.repeat(10_000)]), 'big.png');
  assert.equal((await call('/avatar', { method: 'POST', body: big })).status, 413);
});

test('guards, 404 and 405 answer as on Node', async () => {
  assert.equal((await call('/guarded')).status, 403);
  assert.equal(await (await call('/guarded', { headers: { 'x-key': 'open' } })).text(), 'in');
  const missing = await call('/nowhere');
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: 'Cannot GET /nowhere', error: 'Not Found', statusCode: 404 });
  const wrong = await call('/guarded', { method: 'DELETE' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'GET, HEAD');
});

test('the Express response API: two cookies, a status, a redirect; 204 and HEAD carry no body', async () => {
  const cookies = await call('/cookies');
  assert.equal(cookies.status, 202);
  assert.deepEqual(cookies.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Path=/']);
  const moved = await call('/moved', { redirect: 'manual' });
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.get('location'), '/things/1');
  const empty = await call('/empty');
  assert.equal(empty.status, 204);
  assert.equal(empty.body, null);
  const head = await call('/text', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
  assert.equal(await (await call('/text')).text(), 'héllo');
});

test('hostile values from handlers answer 500 and never hang: a BigInt, a status Response refuses, a header with CR/LF', async () => {
  for (const path of ['/big', '/odd-status', '/bad-header']) {
    const res = await call(path);
    assert.equal(res.status, 500, path);
  }
  assert.equal((await call('/things/1')).status, 200, 'and the app still answers');
});

test('a write after end is refused with SN_ERR_RESPONSE_ENDED to its callback, and the answer already sent stays whole', async () => {
  const res = await call('/write-after-end');
  assert.equal(await res.text(), 'done');
  assert.deepEqual(lateWrites, ['SN_ERR_RESPONSE_ENDED']);
});

test('a hostile request target is refused or made canonical before middleware, as on Node', async () => {
  assert.equal((await call('/things/%E0%A4%A')).status, 400);
  // The URL parser of the web Request already resolved the dot segments: the guard still runs.
  assert.equal((await call('/x/../guarded')).status, 403);
});

test('middleware: CORS headers and preflight; static files with their type, HEAD, and no way out of the folder', async () => {
  const simple = await call('/things/1', { headers: { origin: 'https://a.example' } });
  assert.equal(simple.headers.get('access-control-allow-origin'), 'https://a.example');
  const preflight = await call('/things', { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  const file = await call('/static/hello.txt');
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-type')!, /^text\/plain/);
  assert.equal(await file.text(), 'static hello');
  const headFile = await call('/static/hello.txt', { method: 'HEAD' });
  assert.equal(headFile.status, 200);
  assert.equal(headFile.body, null);
  assert.equal((await call('/static/%2e%2e/%2e%2e/etc/passwd')).status, 404);
});

test('@Sse over app.fetch: headers, events, heartbeats; cancelling the body runs cancel exactly once and frees the session', async () => {
  const before = cancels.filter((c) => c === 'ticks').length;
  const res = await call('/ticks');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  assert.equal(res.headers.get('cache-control'), 'no-cache, no-transform');
  assert.equal(res.headers.get('connection'), null, 'hop-by-hop headers are the runtime server’s');
  const text = await readEvents(res, (t) => t.includes('id: 3\n'));
  assert.match(text, /^id: 1\ndata: \{"n":1\}\n\n/);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(cancels.filter((c) => c === 'ticks').length - before, 1, 'cancel ran once');
  assert.equal(app.getSseStats().open, 0);
  const quiet = await call('/quiet');
  const withBeat = await readEvents(quiet, (t) => /^:/m.test(t), 3_000);
  assert.ok(/^:/m.test(withBeat), `a heartbeat comment came on an idle stream: ${JSON.stringify(withBeat.slice(0, 200))}`);
});

test('backpressure: a reader that takes nothing fills the stream to its desired size, then the session drops it as a slow client, whose stream breaks with SN_ERR_RESPONSE_DESTROYED', async () => {
  const droppedBefore = app.getSseStats().droppedSlow;
  const res = await call('/firehose');
  // Read nothing: the producer writes far more than 64 KiB.
  const deadline = Date.now() + 5_000;
  while (app.getSseStats().droppedSlow === droppedBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(app.getSseStats().droppedSlow, droppedBefore + 1);
  // What was queued before the drop stays bounded: the reader gets at most what the stream held, then an end or an error.
  let received = 0;
  let cut: unknown;
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
  } catch (error) {
    cut = error;
  }
  assert.ok(received < 1024 * 1024, `bounded: ${received} bytes`);
  // Cut, as a dropped connection is; the app's own reason (a slow client) is the app's to report, the server hears only that it was cut.
  assert.equal((cut as { code?: string } | undefined)?.code, 'SN_ERR_RESPONSE_DESTROYED');
  assert.equal(app.getSseStats().open, 0);
});

test('the hub over app.fetch: live events, then an exact resume with Last-Event-ID', async () => {
  const hub = app.get(SseHub);
  const live = await call('/feed');
  const ids = [];
  for (const n of [1, 2, 3]) ids.push(await hub.publish('news', { data: `n${n}` }));
  const text = await readEvents(live, (t) => t.includes('n3'));
  assert.deepEqual(
    [...text.matchAll(/data: (n\d)/g)].map((m) => m[1]),
    ['n1', 'n2', 'n3'],
  );
  const resumed = await call('/feed', { headers: { 'last-event-id': ids[0]! } });
  const replay = await readEvents(resumed, (t) => t.includes('n3'));
  assert.deepEqual(
    [...replay.matchAll(/data: (n\d)/g)].map((m) => m[1]),
    ['n2', 'n3'],
  );
});

test("req.socket emits close when the client leaves before a slow handler answers, as Node's socket does", async () => {
  const abort = new AbortController();
  const pending = call('/slow-socket', { signal: abort.signal });
  setTimeout(() => abort.abort(), 50);
  await pending.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(socketCloses, ['socket closed'], 'the socket closed when the client left, before the handler answered');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(socketCloses, ['socket closed'], 'once');
});

test('a client that leaves before a slow handler answers: the response closes at once, and the late answer goes nowhere, quietly', async () => {
  const abort = new AbortController();
  const pending = call('/slow', { signal: abort.signal });
  setTimeout(() => abort.abort(), 50);
  await pending.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(closes, ['left'], 'close came when the client left, before the handler answered');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await call('/things/2')).status, 200, 'the app still answers');
  const whole = await call('/slow');
  assert.equal(await whole.text(), 'late');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(closes, ['left', 'finished']);
});

test('Express middleware on the Node-shaped request and response: helmet, cookie-parser, morgan', async () => {
  const { default: helmet } = await import('helmet');
  const { default: cookieParser } = await import('cookie-parser');
  const { default: morgan } = await import('morgan');
  const logged: string[] = [];
  const withMiddleware = await NestFactory.create(AppModule, { logger: false });
  withMiddleware.use(helmet() as never);
  withMiddleware.use(cookieParser('s3cret') as never);
  withMiddleware.use(morgan(':method :url :status :remote-addr', { stream: { write: (line: string) => logged.push(line.trim()) } }) as never);
  try {
    const res = await withMiddleware.fetch(new Request(url('/things/4'), { headers: { cookie: 'a=1' } }), { address: '192.0.2.9' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN', 'helmet set its headers');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(logged, ['GET /things/4 200 192.0.2.9'], 'morgan saw the finished response and the client address');
  } finally {
    await withMiddleware.close();
  }
});

test('app.close() ends open event streams with a retry hint, and the readers see them end', async () => {
  const closing = await start();
  const res = await closing.fetch(new Request(url('/ticks')));
  const reader = res.body!.getReader();
  await reader.read();
  const closed = closing.close();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }) as const);
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await closed;
  assert.match(text, /retry: \d+/);
});

const onNode = (globalThis as { Deno?: unknown; Bun?: unknown }).Deno === undefined && (globalThis as { Bun?: unknown }).Bun === undefined;

test("engine: 'web' is the runtime's own server on Deno and Bun, and refused on Node with SN_ERR_ENGINE_UNAVAILABLE; an unknown engine at create()", async () => {
  const web = await NestFactory.create(AppModule, { logger: false, engine: 'web' });
  if (onNode) {
    await assert.rejects(web.listen(0, '127.0.0.1'), { code: 'SN_ERR_ENGINE_UNAVAILABLE' });
  } else {
    await web.listen(0, '127.0.0.1');
    const res = await fetch(`${web.getUrl()}/things/3`);
    assert.equal((await res.json()).id, 3);
  }
  await web.close();
  await assert.rejects(NestFactory.create(AppModule, { logger: false, engine: 'fast' as never }), { code: 'SN_ERR_INVALID_ARGUMENT' });
});
