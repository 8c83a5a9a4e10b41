import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cookieParser from 'cookie-parser';
import { unsign } from 'cookie-signature';
import { Controller, Get, Head, Post, Query, Req, Res, type ExpressRequest, type ExpressResponse } from 'streamnest';
import { startApp } from '../support/app.js';
import { selfSignedCertificate } from '../support/tls.js';
import { call, CaptureLogger, eventually, rawRequest } from './support.js';
import { runtimeSkip } from '../runtimes/skips.js';

// A folder of files for sendFile: a small one, a dotfile, one outside the root, and one large enough to be cut mid-way.
const dir = mkdtempSync(join(tmpdir(), 'streamnest-sendfile-'));
const root = join(dir, 'public');
mkdirSync(root);
writeFileSync(join(root, 'hello.txt'), 'hello, file\n');
writeFileSync(join(root, 'page.html'), '<h1>page</h1>');
writeFileSync(join(root, '.secret'), 'dotfile');
writeFileSync(join(root, '100%.txt'), 'percent');
writeFileSync(join(dir, 'outside.txt'), 'outside the root');
const BIG = join(root, 'big.bin');
writeFileSync(BIG, Buffer.alloc(32 * 1024 * 1024, 7));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Open file descriptors of this process that point at `path` (the app runs in this process). */
function openDescriptors(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // closed while we looked
    }
  }
  return count;
}

/** What each sendFile callback reported, by request tag. */
const fileOutcomes = new Map<string, string>();

@Controller('x')
class ExpressStyleController {
  @Get('req/:id')
  request(@Req() req: ExpressRequest) {
    return {
      get: req.get('X-Custom'),
      header: req.header('x-custom'),
      referrer: req.get('Referrer'),
      referer: req.get('referer'),
      ip: req.ip,
      ips: req.ips,
      host: req.host,
      hostname: req.hostname,
      protocol: req.protocol,
      secure: req.secure,
      path: req.path,
      originalUrl: req.originalUrl,
      query: req.query,
      params: req.params,
      xhr: req.xhr,
      is: req.is('json'),
    };
  }

  @Post('is')
  is(@Req() req: ExpressRequest) {
    return {
      json: req.is('json'),
      appJson: req.is('application/json'),
      wildcard: req.is('application/*'),
      suffix: req.is('+json'),
      list: req.is(['html', 'json']),
      none: req.is('html'),
      any: req.is(),
      body: req.body,
    };
  }

  @Get('is-no-body') isNoBody(@Req() req: ExpressRequest) {
    return { is: req.is('json') };
  }

  @Get('assign-ip')
  assignIp(@Req() req: ExpressRequest, @Res({ passthrough: true }) res: ExpressResponse) {
    (req as { ip: string }).ip = '203.0.113.9';
    res.locals = { set: 'by the handler' };
    return { ip: req.ip, locals: res.locals };
  }

  @Get('status-json') statusJson(@Res() res: ExpressResponse) {
    res.status(201).json({ created: true });
  }
  @Get('json-null') jsonNull(@Res() res: ExpressResponse) {
    res.json(null);
  }
  @Get('json-number') jsonNumber(@Res() res: ExpressResponse) {
    res.status(200).json(42);
  }
  @Get('json-typed') jsonTyped(@Res() res: ExpressResponse) {
    res.type('application/vnd.api+json').json({ a: 1 });
  }
  @Get('send-string') sendString(@Res() res: ExpressResponse) {
    res.send('<p>hi</p>');
  }
  @Get('send-text') sendText(@Res() res: ExpressResponse) {
    res.type('txt').send('plain');
  }
  @Get('send-buffer') sendBuffer(@Res() res: ExpressResponse) {
    res.send(Buffer.from([1, 2, 3]));
  }
  @Get('send-bytes') sendBytes(@Res() res: ExpressResponse) {
    res.send(new Uint8Array([4, 5]));
  }
  @Get('send-object') sendObject(@Res() res: ExpressResponse) {
    res.send({ o: [1] });
  }
  @Get('send-null') sendNull(@Res() res: ExpressResponse) {
    res.send(null);
  }
  @Get('send-number') sendNumber(@Res() res: ExpressResponse) {
    res.send(7);
  }
  @Get('send-empty') sendEmpty(@Res() res: ExpressResponse) {
    res.status(204).send('gone');
  }
  @Get('send-status') sendStatus(@Res() res: ExpressResponse) {
    res.sendStatus(404);
  }
  @Get('send-status-created') sendStatusCreated(@Res() res: ExpressResponse) {
    res.sendStatus(201);
  }

  @Get('headers')
  headers(@Res() res: ExpressResponse) {
    res
      .set('X-One', '1')
      .header('X-Two', 2)
      .set({ 'X-Three': '3', 'X-List': ['a', 'b'] });
    res.append('X-List', 'c').append('X-New', 'n');
    res.contentType('json');
    res.vary('Origin').vary('Accept-Language');
    res.links({ next: '/page/2', last: '/page/9' });
    res.location('/somewhere else');
    res.json({ one: res.get('X-One'), type: res.get('content-type') });
  }

  @Get('type/:t') type(@Res() res: ExpressResponse, @Req() req: ExpressRequest) {
    res.type(String(req.params!.t)).send('x');
  }
  @Get('set-content-type') setContentType(@Res() res: ExpressResponse) {
    res.set('Content-Type', 'text/csv').send('a,b');
  }

  @Get('redirect') redirect(@Res() res: ExpressResponse) {
    res.redirect('/target?a=1&b=<2>');
  }
  @Get('redirect-301') redirect301(@Res() res: ExpressResponse) {
    res.redirect(301, 'https://example.com/new');
  }

  @Get('cookies')
  cookies(@Res() res: ExpressResponse) {
    res.cookie('plain', 'v 1', { httpOnly: true, sameSite: 'lax' });
    res.cookie('obj', { a: 1 }, { maxAge: 60_000, secure: true });
    res.clearCookie('old');
    res.send('ok');
  }

  @Get('signed')
  signed(@Res() res: ExpressResponse) {
    res.cookie('session', 'abc', { signed: true, httpOnly: true }).json({ ok: true });
  }

  @Get('read-cookies')
  readCookies(@Req() req: ExpressRequest) {
    return { cookies: req.cookies, signed: req.signedCookies };
  }

  @Get('attachment') attachment(@Res() res: ExpressResponse) {
    res.attachment('reports/résumé.pdf').send(Buffer.from('%PDF'));
  }

  @Get('locals')
  locals(@Res() res: ExpressResponse, @Query('v') v: string) {
    const before = { ...res.locals };
    res.locals.v = v;
    res.json({ before, after: res.locals.v, fromMiddleware: (res.locals as { path?: string }).path });
  }

  @Get('passthrough')
  passthrough(@Res({ passthrough: true }) res: ExpressResponse) {
    res.cookie('pt', 'yes').set('X-Passthrough', '1');
    return { body: 'returned' };
  }

  @Get('passthrough-status')
  passthroughStatus(@Res({ passthrough: true }) res: ExpressResponse) {
    res.status(201);
    return { body: 'returned' };
  }

  // Failures: each must become a 500 (or the status it names), never a crash.
  @Get('json-bigint') jsonBigint(@Res() res: ExpressResponse) {
    res.json({ n: 10n });
  }
  @Get('json-cycle') jsonCycle(@Res() res: ExpressResponse) {
    const o: Record<string, unknown> = {};
    o.self = o;
    res.status(201).json(o);
  }
  @Get('json-cycle-later')
  async jsonCycleLater(@Res() res: ExpressResponse) {
    await new Promise((r) => setTimeout(r, 5));
    const o: Record<string, unknown> = {};
    o.self = o;
    res.json(o);
  }
  @Get('bad-status') badStatus(@Res() res: ExpressResponse) {
    res.status(99).send('x');
  }
  @Get('crlf') crlf(@Res() res: ExpressResponse) {
    res.set('X-Injected', 'a\r\nSet-Cookie: evil=1').send('x');
  }
  @Get('crlf-cookie') crlfCookie(@Res() res: ExpressResponse) {
    res.cookie('a\r\nb', 'v').send('x');
  }
  @Get('crlf-location') crlfLocation(@Res() res: ExpressResponse) {
    res.redirect('/next\r\nSet-Cookie: evil=1');
  }
  @Get('unsigned-secret') unsignedSecret(@Res() res: ExpressResponse) {
    res.cookie('s', 'v', { signed: true }).send('x');
  }

  @Get('file')
  file(@Res() res: ExpressResponse, @Query('name') name: string) {
    res.sendFile(name, { root });
  }

  @Get('file-absolute')
  fileAbsolute(@Res() res: ExpressResponse, @Query('path') path: string) {
    res.sendFile(path);
  }

  @Get('file-callback')
  fileCallback(@Res() res: ExpressResponse, @Query('name') name: string) {
    res.sendFile(name, { root, headers: { 'X-File': name } }, (error) => {
      if (error) res.status((error as { status?: number }).status ?? 500).json({ failed: true, code: (error as { code?: string }).code ?? null });
    });
  }

  @Get('big')
  big(@Res() res: ExpressResponse, @Query('tag') tag: string) {
    res.sendFile(BIG, (error) => {
      fileOutcomes.set(tag, error ? String((error as { code?: string }).code) : 'sent');
    });
  }

  @Get('download') download(@Res() res: ExpressResponse) {
    res.download(join(root, 'hello.txt'), 'greeting.txt');
  }

  @Get('plain') plain() {
    return { plain: true };
  }
  @Get('plain-text') plainText() {
    return 'text';
  }
  @Head('head-json') headJson(@Res() res: ExpressResponse) {
    res.json({ never: 'sent' });
  }
}

const metadata = { controllers: [ExpressStyleController] };

test("@Req(): the Express request API on Node's own request", async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const port = new URL(url).port;
  const res = await call(`${url}/x/req/7?a=1&b=2&b=3`, {
    headers: {
      'x-custom': 'c',
      referer: 'https://ref.example/',
      'x-forwarded-for': '198.51.100.1',
      'x-forwarded-host': 'evil.example',
      'x-requested-with': 'XMLHttpRequest',
    },
  });
  assert.deepEqual(
    res.body,
    {
      get: 'c',
      header: 'c',
      referrer: 'https://ref.example/',
      referer: 'https://ref.example/',
      ip: '127.0.0.1',
      ips: [],
      host: `127.0.0.1:${port}`,
      hostname: '127.0.0.1',
      protocol: 'http',
      secure: false,
      path: '/x/req/7',
      query: { a: '1', b: ['2', '3'] },
      params: { id: '7' },
      xhr: true,
      is: null,
    },
    'X-Forwarded-* are not believed: there is no trust-proxy setting',
  );

  // An IPv6 literal in Host keeps its colons; the port goes.
  const raw = await rawRequest(url, 'GET /x/req/1 HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n');
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  assert.equal(body.host, '[::1]:8080');
  assert.equal(body.hostname, '[::1]');
  assert.equal(body.xhr, false);

  // originalUrl keeps what came when the URL was made canonical.
  const canon = await call(`${url}/x/req/%39`);
  assert.equal(canon.body.path, '/x/req/9');
  assert.equal(canon.body.originalUrl, '/x/req/%39');
});

test('req.is(): type-is semantics, null without a body', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const res = await call(`${url}/x/is`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"k":1}' });
  assert.deepEqual(res.body, {
    json: 'json',
    appJson: 'application/json',
    wildcard: 'application/json',
    suffix: false,
    list: 'json',
    none: false,
    any: 'application/json',
    body: { k: 1 },
  });
  const vendor = await call(`${url}/x/is`, { method: 'POST', headers: { 'content-type': 'application/vnd.api+json' }, body: '{}' });
  assert.equal(vendor.body.suffix, 'application/vnd.api+json');
  assert.equal(vendor.body.json, false);
  assert.deepEqual((await call(`${url}/x/is-no-body`)).body, { is: null });
});

test('the getters can be assigned, as middleware sometimes does: the value shadows the getter', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  assert.deepEqual((await call(`${url}/x/assign-ip`)).body, { ip: '203.0.113.9', locals: { set: 'by the handler' } });
  // …for that request only.
  assert.equal((await call(`${url}/x/req/1`)).body.ip, '127.0.0.1');
});

test('@Res(): res.status(201).json(…) is what the client gets', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const res = await call(`${url}/x/status-json`);
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.headers.get('content-length'), String('{"created":true}'.length));
  assert.deepEqual(res.body, { created: true });

  const nul = await call(`${url}/x/json-null`);
  assert.equal(nul.text, 'null');
  assert.equal(nul.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal((await call(`${url}/x/json-number`)).text, '42');
  const typed = await call(`${url}/x/json-typed`);
  assert.equal(typed.headers.get('content-type'), 'application/vnd.api+json; charset=utf-8');
});

test('res.send(): as Express 5 sends strings, bytes, objects, null, numbers, and 204', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const html = await call(`${url}/x/send-string`);
  assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(html.text, '<p>hi</p>');
  assert.equal((await call(`${url}/x/send-text`)).headers.get('content-type'), 'text/plain; charset=utf-8');

  const buffer = await fetch(`${url}/x/send-buffer`);
  assert.equal(buffer.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual([...new Uint8Array(await buffer.arrayBuffer())], [1, 2, 3]);
  const bytes = await fetch(`${url}/x/send-bytes`);
  assert.equal(bytes.headers.get('content-length'), '2');
  assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer())], [4, 5]);

  const object = await call(`${url}/x/send-object`);
  assert.equal(object.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(object.body, { o: [1] });
  const nul = await call(`${url}/x/send-null`);
  assert.equal(nul.text, '');
  assert.equal(nul.headers.get('content-length'), '0');
  assert.equal((await call(`${url}/x/send-number`)).text, '7');

  const empty = await call(`${url}/x/send-empty`);
  assert.equal(empty.status, 204);
  assert.equal(empty.text, '');
  assert.equal(empty.headers.get('content-type'), null);

  const status = await call(`${url}/x/send-status`);
  assert.equal(status.status, 404);
  assert.equal(status.text, 'Not Found');
  assert.equal(status.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal((await call(`${url}/x/send-status-created`)).text, 'Created');
});

test('res.set/header/get/append/type/vary/links/location', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const res = await call(`${url}/x/headers`);
  assert.equal(res.headers.get('x-one'), '1');
  assert.equal(res.headers.get('x-two'), '2');
  assert.equal(res.headers.get('x-three'), '3');
  assert.equal(res.headers.get('x-list'), 'a, b, c');
  assert.equal(res.headers.get('x-new'), 'n');
  assert.equal(res.headers.get('vary'), 'Origin, Accept-Language');
  assert.equal(res.headers.get('link'), '</page/2>; rel="next", </page/9>; rel="last"');
  assert.equal(res.headers.get('location'), '/somewhere%20else');
  assert.deepEqual(res.body, { one: '1', type: 'application/json; charset=utf-8' });

  assert.equal((await call(`${url}/x/type/html`)).headers.get('content-type'), 'text/html; charset=utf-8');
  // A string body gets charset=utf-8 whatever the type, as in Express.
  assert.equal((await call(`${url}/x/type/.png`)).headers.get('content-type'), 'image/png; charset=utf-8');
  assert.equal((await call(`${url}/x/type/no-such-ext`)).headers.get('content-type'), 'application/octet-stream; charset=utf-8');
  assert.equal((await call(`${url}/x/set-content-type`)).headers.get('content-type'), 'text/csv; charset=utf-8');
});

test('res.redirect(): 302 by default, a status when given, a body for text or HTML, none for HEAD', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const plain = await call(`${url}/x/redirect`, { redirect: 'manual' });
  assert.equal(plain.status, 302);
  assert.equal(plain.headers.get('location'), '/target?a=1&b=%3C2%3E');
  assert.equal(plain.text, 'Found. Redirecting to /target?a=1&b=%3C2%3E');
  assert.equal(plain.headers.get('vary'), 'Accept');

  const html = await call(`${url}/x/redirect`, { redirect: 'manual', headers: { accept: 'text/html,*/*;q=0.8' } });
  assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(html.text, '<p>Found. Redirecting to /target?a=1&amp;b=%3C2%3E</p>');

  const json = await call(`${url}/x/redirect`, { redirect: 'manual', headers: { accept: 'application/json' } });
  assert.equal(json.text, '');

  const moved = await call(`${url}/x/redirect-301`, { redirect: 'manual' });
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.get('location'), 'https://example.com/new');

  const head = await rawRequest(url, `HEAD /x/redirect HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  assert.match(head, /^HTTP\/1\.1 302 /);
  assert.match(head, new RegExp(`content-length: ${'Found. Redirecting to /target?a=1&b=%3C2%3E'.length}`, 'i'));
  assert.ok(head.endsWith('\r\n\r\n'), 'no body after a HEAD');
});

test("res.cookie()/clearCookie(): Express's format, JSON objects as j:, maxAge in ms", async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const before = Date.now();
  const res = await fetch(`${url}/x/cookies`);
  const cookies = res.headers.getSetCookie();
  assert.equal(cookies.length, 3);
  assert.equal(cookies[0], 'plain=v%201; Path=/; HttpOnly; SameSite=Lax');
  assert.match(cookies[1]!, /^obj=j%3A%7B%22a%22%3A1%7D; Max-Age=60; Path=\/; Expires=[^;]+; Secure$/);
  const expires = Date.parse(/Expires=([^;]+)/.exec(cookies[1]!)![1]!);
  assert.ok(Math.abs(expires - (before + 60_000)) < 5_000);
  assert.equal(cookies[2], 'old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
});

test('cookie-parser: req.cookies, and res.cookie({ signed: true }) signs with its secret', async (t) => {
  const secret = 'a test secret, long and random';
  const { url, close } = await startApp(metadata, (app) => {
    app.use(cookieParser(secret));
  });
  t.after(close);
  const signed = await fetch(`${url}/x/signed`);
  const [setCookie] = signed.headers.getSetCookie();
  const value = decodeURIComponent(/^session=([^;]+)/.exec(setCookie!)![1]!);
  assert.ok(value.startsWith('s:'));
  assert.equal(unsign(value.slice(2), secret), 'abc');

  const read = await call(`${url}/x/read-cookies`, {
    headers: { cookie: `${setCookie!.split(';')[0]}; theme=dark; tampered=${encodeURIComponent('s:abc.forged')}` },
  });
  assert.deepEqual(read.body, { cookies: { theme: 'dark' }, signed: { session: 'abc', tampered: false } });
});

test("a signed cookie without cookie-parser's secret is a clear 500", async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp(metadata, undefined, { logger });
  t.after(close);
  const res = await call(`${url}/x/unsigned-secret`);
  assert.equal(res.status, 500);
  assert.equal(res.headers.get('set-cookie'), null);
  assert.match(logger.text(), /SN_ERR_COOKIE_SECRET.*cookieParser/);
});

test('res.attachment() and res.download() name the file', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const attachment = await call(`${url}/x/attachment`);
  assert.equal(attachment.headers.get('content-type'), 'application/pdf');
  assert.equal(attachment.headers.get('content-disposition'), 'attachment; filename="r?sum?.pdf"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.pdf');
  const download = await call(`${url}/x/download`);
  assert.equal(download.status, 200);
  assert.equal(download.text, 'hello, file\n');
  assert.equal(download.headers.get('content-disposition'), 'attachment; filename=greeting.txt');
  assert.equal(download.headers.get('content-type'), 'text/plain; charset=utf-8');
});

test('res.locals: one object per request, made on first use, shared with middleware', async (t) => {
  const { url, close } = await startApp(metadata, (app) => {
    app.use('/x/locals', (req: ExpressRequest, res: ExpressResponse, next: () => void) => {
      res.locals.path = req.path;
      next();
    });
  });
  t.after(close);
  const first = await call(`${url}/x/locals?v=1`);
  assert.deepEqual(first.body, { before: { path: '/' }, after: '1', fromMiddleware: '/' });
  const second = await call(`${url}/x/locals?v=2`);
  assert.deepEqual(second.body, { before: { path: '/' }, after: '2', fromMiddleware: '/' }, 'nothing carried over from the first request');
});

test("@Res({ passthrough: true }): the handler's cookie and headers, and the returned body, all apply", async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const res = await fetch(`${url}/x/passthrough`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.headers.getSetCookie(), ['pt=yes; Path=/']);
  assert.equal(res.headers.get('x-passthrough'), '1');
  assert.deepEqual(await res.json(), { body: 'returned' });
});

test('@Res({ passthrough: true }): a status the handler set stays (as in NestJS)', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const res = await call(`${url}/x/passthrough-status`);
  assert.deepEqual(res.body, { body: 'returned' });
  assert.equal(res.status, 201);
});

test('what cannot be sent is a 500 and a log line, never a crash: BigInt, cycles, bad status, CR/LF in headers', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp(metadata, undefined, { logger });
  t.after(close);
  for (const path of ['json-bigint', 'json-cycle', 'json-cycle-later', 'bad-status', 'crlf', 'crlf-cookie', 'crlf-location']) {
    const res = await call(`${url}/x/${path}`, { redirect: 'manual' });
    if (path === 'crlf-location') {
      // encodeurl escapes CR and LF: the redirect goes out, harmless.
      assert.equal(res.status, 302, path);
      assert.equal(res.headers.get('location'), '/next%0D%0ASet-Cookie:%20evil=1');
      assert.equal(res.headers.get('set-cookie'), null);
      continue;
    }
    assert.equal(res.status, 500, path);
    assert.deepEqual(res.body, { statusCode: 500, message: 'Internal server error' }, path);
    assert.equal(res.headers.get('x-injected'), null, path);
    assert.equal(res.headers.get('set-cookie'), null, path);
  }
  const logs = logger.text();
  assert.match(logs, /BigInt/);
  // V8 says "circular structure", JavaScriptCore (Bun) "cyclic structures".
  assert.match(logs, /circular|cyclic/i);
  assert.match(logs, /SN_ERR_INVALID_ARGUMENT: res\.status\(code\): code must be an integer from 100 to 999, got 99/);
  assert.match(logs, /Invalid character in header content \["X-Injected"\]/);
  assert.match(logs, /argument name is invalid/);
  // The server is still up.
  assert.deepEqual((await call(`${url}/x/plain`)).body, { plain: true });
});

test('res.sendFile(): absolute or under root, 404 for a missing file or dotfile, 403 for ../, never a path in the answer', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp(metadata, undefined, { logger });
  t.after(close);
  const ok = await call(`${url}/x/file?name=hello.txt`);
  assert.equal(ok.status, 200);
  assert.equal(ok.text, 'hello, file\n');
  assert.equal(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.ok(ok.headers.get('last-modified'));
  assert.equal((await call(`${url}/x/file?name=page.html`)).headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal((await call(`${url}/x/file?name=100%25.txt`)).text, 'percent');
  assert.equal((await call(`${url}/x/file-absolute?path=${encodeURIComponent(join(root, 'hello.txt'))}`)).text, 'hello, file\n');

  const range = await fetch(`${url}/x/file?name=hello.txt`, { headers: { range: 'bytes=0-4' } });
  assert.equal(range.status, 206);
  assert.equal(await range.text(), 'hello');

  const missing = await call(`${url}/x/file?name=nope.txt`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { statusCode: 404, message: 'Not Found' });
  assert.ok(!missing.text.includes(dir), 'the file system path is not shown');

  assert.equal((await call(`${url}/x/file?name=.secret`)).status, 404, 'dotfiles are not served by default');
  for (const name of ['../outside.txt', 'sub/../../outside.txt', '/../outside.txt']) {
    const res = await call(`${url}/x/file?name=${encodeURIComponent(name)}`);
    assert.equal(res.status, 403, name);
    assert.ok(!res.text.includes('outside the root'), name);
  }
  // The path is decoded once, by the query parser, never twice: this names a file called "..%2Foutside.txt".
  assert.equal((await call(`${url}/x/file?name=${encodeURIComponent('..%2Foutside.txt')}`)).status, 404);
  const dotdot = await call(`${url}/x/file-absolute?path=${encodeURIComponent(`${root}/../outside.txt`)}`);
  assert.equal(dotdot.status, 403, '.. in an absolute path');

  // A folder is not a file.
  assert.equal((await call(`${url}/x/file-absolute?path=${encodeURIComponent(root)}`)).status, 404);

  const relative = await call(`${url}/x/file-absolute?path=hello.txt`);
  assert.equal(relative.status, 500);
  assert.match(logger.text(), /SN_ERR_INVALID_ARGUMENT: res\.sendFile\(path\): path must be absolute/);

  const withCallback = await call(`${url}/x/file-callback?name=nope.txt`);
  assert.equal(withCallback.status, 404);
  assert.deepEqual(withCallback.body, { failed: true, code: 'ENOENT' });
  const headers = await call(`${url}/x/file-callback?name=hello.txt`);
  assert.equal(headers.headers.get('x-file'), 'hello.txt');
});

test('res.sendFile(): a client that goes away mid-file closes the file and reports ECONNABORTED', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const baseline = openDescriptors(BIG);
  const { hostname, port } = new URL(url);
  const openWhileStreaming = await new Promise<number>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write('GET /x/big?tag=h1 HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.once('data', () => {
      // The file is open and streaming now; the client vanishes without reading on.
      const open = openDescriptors(BIG);
      socket.destroy();
      resolve(open);
    });
    socket.on('error', reject);
  });
  assert.ok(openWhileStreaming > baseline);
  await eventually(() => fileOutcomes.get('h1') === 'ECONNABORTED', 'the sendFile callback to report the abort');
  await eventually(() => openDescriptors(BIG) === baseline, 'the file descriptor to close');

  // A whole file still goes out whole.
  const whole = await fetch(`${url}/x/big?tag=whole`);
  assert.equal((await whole.arrayBuffer()).byteLength, 32 * 1024 * 1024);
  await eventually(() => fileOutcomes.get('whole') === 'sent', 'the sendFile callback to report success');
  await eventually(() => openDescriptors(BIG) === baseline, 'the file descriptor to close');
});

test('the plain JSON path is unchanged: a returned value is sent by the framework, with nosniff', async (t) => {
  const { url, close } = await startApp(metadata);
  t.after(close);
  const json = await call(`${url}/x/plain`);
  assert.equal(json.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(json.headers.get('x-content-type-options'), 'nosniff');
  const text = await call(`${url}/x/plain-text`);
  assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8', 'a returned string stays text/plain (res.send is the one that says HTML)');
  const head = await rawRequest(url, 'HEAD /x/head-json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 200 /);
  assert.ok(head.endsWith('\r\n\r\n'), 'res.json() sends no body for HEAD');
});

/** One HTTP/2 request: status, headers and body text. */
function h2request(client: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string) {
  return new Promise<{ status: number; headers: http2.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const stream = client.request(headers, { endStream: body === undefined });
    let text = '';
    let responseHeaders: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => {
      responseHeaders = h;
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, text }));
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

test("HTTP/2 (and its HTTP/1.1 fallback): the same API on Node's HTTP/2 compatibility objects", async (t) => {
  const tls = selfSignedCertificate();
  const secret = 'h2 secret';
  const { url, close } = await startApp(
    metadata,
    (app) => {
      app.use(cookieParser(secret));
    },
    {},
    { http2: tls },
  );
  t.after(close);
  const client = http2.connect(url, { ca: tls.cert });
  t.after(() => client.close());
  const port = new URL(url).port;

  const req = await h2request(client, { ':path': '/x/req/5?q=1', 'x-custom': 'h2', 'x-forwarded-for': '198.51.100.1' });
  assert.equal(req.status, 200);
  const info = JSON.parse(req.text);
  assert.equal(info.protocol, 'https');
  assert.equal(info.secure, true);
  assert.equal(info.ip, '127.0.0.1');
  assert.equal(info.host, `127.0.0.1:${port}`, 'from :authority');
  assert.equal(info.hostname, '127.0.0.1');
  assert.equal(info.get, 'h2');
  assert.equal(info.path, '/x/req/5');
  assert.deepEqual(info.query, { q: '1' });
  assert.deepEqual(info.params, { id: '5' });

  const is = await h2request(client, { ':path': '/x/is', ':method': 'POST', 'content-type': 'application/json' }, '{"k":2}');
  assert.equal(JSON.parse(is.text).json, 'json', 'an HTTP/2 body without Content-Length still counts');
  assert.equal(JSON.parse((await h2request(client, { ':path': '/x/is-no-body' })).text).is, null);

  const created = await h2request(client, { ':path': '/x/status-json' });
  assert.equal(created.status, 201);
  assert.equal(created.headers['content-type'], 'application/json; charset=utf-8');
  assert.deepEqual(JSON.parse(created.text), { created: true });

  const signed = await h2request(client, { ':path': '/x/signed' });
  const cookie = (signed.headers['set-cookie'] as string[])[0]!;
  assert.equal(unsign(decodeURIComponent(/^session=s%3A([^;]+)/.exec(cookie)![1]!), secret), 'abc');

  const headers = await h2request(client, { ':path': '/x/headers' });
  assert.equal(headers.headers['x-list'], 'a, b, c');
  assert.equal(headers.headers.vary, 'Origin, Accept-Language');

  const redirect = await h2request(client, { ':path': '/x/redirect-301' });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, 'https://example.com/new');

  const file = await h2request(client, { ':path': '/x/file?name=hello.txt' });
  assert.equal(file.status, 200);
  assert.equal(file.text, 'hello, file\n');
  assert.equal((await h2request(client, { ':path': '/x/file?name=..%2Foutside.txt' })).status, 403);
  assert.equal((await h2request(client, { ':path': '/x/file?name=nope.txt' })).status, 404);

  const crlf = await h2request(client, { ':path': '/x/crlf' });
  assert.equal(crlf.status, 500);

  // A stream reset mid-file closes the file too.
  const baseline = openDescriptors(BIG);
  await new Promise<void>((resolve, reject) => {
    const stream = client.request({ ':path': '/x/big?tag=h2' });
    stream.once('data', () => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      resolve();
    });
    stream.on('error', reject);
  });
  await eventually(() => fileOutcomes.get('h2') === 'ECONNABORTED', 'the HTTP/2 sendFile callback to report the abort');
  await eventually(() => openDescriptors(BIG) === baseline, 'the file descriptor to close after an HTTP/2 reset');

  // HTTP/1.1 over TLS on the same port uses the HTTP/1 classes.
  const fallback = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    https
      .get(`${url}/x/req/3`, { ca: tls.cert, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
  assert.equal(fallback.status, 200);
  assert.equal(JSON.parse(fallback.body).protocol, 'https');
});

test('HTTPS (HTTP/1.1 over TLS): protocol is https', async (t) => {
  const tls = selfSignedCertificate();
  const { url, close } = await startApp(metadata, undefined, {}, { https: tls });
  t.after(close);
  const body = await new Promise<string>((resolve, reject) => {
    https
      .get(`${url}/x/req/1`, { ca: tls.cert, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  assert.equal(JSON.parse(body).protocol, 'https');
  assert.equal(JSON.parse(body).secure, true);
});

test(
  "the server's objects are still Node's own classes underneath",
  runtimeSkip("core: the server's objects are still Node's own classes underneath"),
  async (t) => {
    const { app, close } = await startApp(metadata);
    t.after(close);
    const server = app.getHttpServer() as http.Server;
    const seen = await new Promise<{ req: boolean; res: boolean }>((resolve) => {
      server.once('request', (req, res) => resolve({ req: req instanceof http.IncomingMessage, res: res instanceof http.ServerResponse }));
      void fetch(`${app.getUrl()}/x/plain`).then((r) => r.text());
    });
    assert.deepEqual(seen, { req: true, res: true });
  },
);
