// streamnest/cookies through real HTTP: cookieParser() and CookiesModule, the
// @Cookies()/@SignedCookies() parameters, signing with a list of secrets
// (rotation), forged and tampered signatures reading as absent, safe defaults
// for res.cookie() (Secure over TLS), and hostile Cookie headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { sign, unsign } from 'cookie-signature';
import { CanActivate, Controller, Get, Injectable, Res, UseGuards, type ExecutionContext, type ExpressResponse } from 'streamnest';
import { Cookies, CookiesModule, cookieParser, parseCookies, SignedCookies } from 'streamnest/cookies';
import { CaptureLogger, call } from './support.js';
import { startApp } from '../support/app.js';
import { selfSignedCertificate } from '../support/tls.js';

@Controller('c')
class CookieController {
  @Get('one')
  one(@Cookies('theme') theme: unknown, @SignedCookies('session') session: unknown) {
    return { theme: theme ?? null, session: session ?? null };
  }

  @Get('all')
  all(@Cookies() cookies: Record<string, unknown>, @SignedCookies() signed: Record<string, unknown>) {
    return { cookies: { ...cookies }, signed: { ...signed } };
  }

  @Get('plain')
  plain(@Cookies('theme') theme: unknown, @Cookies('constructor') ctor: unknown, @Cookies('__proto__') proto: unknown) {
    return { theme: theme ?? null, ctor: ctor === undefined ? 'absent' : typeof ctor, proto: proto === undefined ? 'absent' : typeof proto };
  }

  @Get('signed-only')
  signedOnly(@SignedCookies('session') session: unknown) {
    return { session: session ?? null };
  }

  @Get('set-plain')
  setPlain(@Res({ passthrough: true }) res: ExpressResponse) {
    res.cookie('theme', 'dark');
    return { ok: true };
  }

  @Get('set')
  set(@Res() res: ExpressResponse) {
    res.cookie('session', 'user-7', { signed: true });
    res.cookie('theme', 'dark');
    res.cookie('readable', 'yes', { httpOnly: false, sameSite: 'strict' });
    res.cookie('kept', 'yes', { httpOnly: undefined });
    res.clearCookie('old');
    res.json({ ok: true });
  }
}

const SECRET = 'a secret of the tests';
const setCookies = (res: { headers: Headers }) => res.headers.getSetCookie();
const named = (cookies: string[], name: string) => cookies.find((c) => c.startsWith(`${name}=`)) ?? '';
const signedValue = (value: string, secret: string) => `s:${sign(value, secret)}`;
const cookieHeader = (pairs: Record<string, string>) =>
  Object.entries(pairs)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('; ');

test('cookieParser(secret): @Cookies and @SignedCookies read the cookies, JSON values parsed', async (t) => {
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => {
    app.use(cookieParser(SECRET));
  });
  t.after(close);
  const cookie = cookieHeader({ theme: 'dark', session: signedValue('user-7', SECRET), prefs: 'j:{"a":1}', bad: 'j:{nope' });
  const one = await call(`${url}/c/one`, { headers: { cookie } });
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, { theme: 'dark', session: 'user-7' });
  const all = await call(`${url}/c/all`, { headers: { cookie } });
  // A signed cookie is in signedCookies only; JSON that does not parse stays the string it came as.
  assert.deepEqual(all.body, { cookies: { theme: 'dark', prefs: { a: 1 }, bad: 'j:{nope' }, signed: { session: 'user-7' } });
});

test('a forged or tampered signed cookie reads as absent, never as an error page', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => void app.use(cookieParser(SECRET)), { logger });
  t.after(close);
  const good = signedValue('user-7', SECRET);
  const cases = {
    tampered: good.replace('user-7', 'user-8'),
    'other secret': signedValue('user-7', 'not our secret'),
    'no signature': 's:user-7',
    'bad signature': `${good.slice(0, -3)}AAA`,
    'signature only': `s:.${good.split('.')[1]}`,
  };
  for (const [what, value] of Object.entries(cases)) {
    const one = await call(`${url}/c/one`, { headers: { cookie: cookieHeader({ session: value, theme: 'dark' }) } });
    assert.equal(one.status, 200, what);
    assert.deepEqual(one.body, { theme: 'dark', session: null }, what);
    const all = await call(`${url}/c/all`, { headers: { cookie: cookieHeader({ session: value }) } });
    assert.deepEqual(all.body, { cookies: {}, signed: {} }, `${what}: absent from both objects`);
  }
  assert.deepEqual(
    logger.lines.filter((l) => l.level === 'error'),
    [],
  );
});

test('rotation: the first secret signs, every secret of the list verifies', async (t) => {
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => {
    app.use(cookieParser(['new secret', 'old secret']));
  });
  t.after(close);
  const fromOld = await call(`${url}/c/one`, { headers: { cookie: cookieHeader({ session: signedValue('user-1', 'old secret') }) } });
  assert.deepEqual(fromOld.body, { theme: null, session: 'user-1' });
  const fromNew = await call(`${url}/c/one`, { headers: { cookie: cookieHeader({ session: signedValue('user-2', 'new secret') }) } });
  assert.deepEqual(fromNew.body, { theme: null, session: 'user-2' });
  const retired = await call(`${url}/c/one`, { headers: { cookie: cookieHeader({ session: signedValue('user-3', 'retired secret') }) } });
  assert.deepEqual(retired.body, { theme: null, session: null });

  const set = await fetch(`${url}/c/set`);
  const value = decodeURIComponent(/^session=([^;]+)/.exec(named(setCookies(set), 'session'))![1]!);
  assert.ok(value.startsWith('s:'));
  assert.equal(unsign(value.slice(2), 'new secret'), 'user-7');
  assert.equal(unsign(value.slice(2), 'old secret'), false);
  // And the cookie it set reads back.
  const back = await call(`${url}/c/one`, { headers: { cookie: `session=${encodeURIComponent(value)}` } });
  assert.deepEqual(back.body, { theme: null, session: 'user-7' });
});

test('res.cookie() defaults under the parser: HttpOnly, SameSite=Lax, Path=/, no Secure over plain HTTP; the call wins', async (t) => {
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => void app.use(cookieParser(SECRET)));
  t.after(close);
  const cookies = setCookies(await fetch(`${url}/c/set`));
  assert.equal(named(cookies, 'theme'), 'theme=dark; Path=/; HttpOnly; SameSite=Lax');
  assert.equal(named(cookies, 'readable'), 'readable=yes; Path=/; SameSite=Strict');
  // An option given as undefined keeps its default.
  assert.equal(named(cookies, 'kept'), 'kept=yes; Path=/; HttpOnly; SameSite=Lax');
  assert.equal(named(cookies, 'old'), 'old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
});

test('res.cookie() defaults over TLS add Secure', async (t) => {
  const tls = selfSignedCertificate();
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => void app.use(cookieParser(SECRET)), {}, { https: tls });
  t.after(close);
  const cookies = await new Promise<string[]>((resolve, reject) => {
    https
      .get(`${url}/c/set`, { ca: tls.cert, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['set-cookie'] ?? []));
      })
      .on('error', reject);
  });
  assert.equal(named(cookies, 'theme'), 'theme=dark; Path=/; HttpOnly; Secure; SameSite=Lax');
  assert.match(named(cookies, 'session'), /; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
});

test('cookieParser({ defaults }) changes them; secure: false turns Secure off even over TLS', async (t) => {
  const tls = selfSignedCertificate();
  const { url, close } = await startApp(
    { controllers: [CookieController] },
    (app) => void app.use(cookieParser(SECRET, { defaults: { sameSite: 'strict', secure: false, domain: 'localhost' } })),
    {},
    { https: tls },
  );
  t.after(close);
  const cookies = await new Promise<string[]>((resolve, reject) => {
    https
      .get(`${url}/c/set`, { ca: tls.cert, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['set-cookie'] ?? []));
      })
      .on('error', reject);
  });
  assert.equal(named(cookies, 'theme'), 'theme=dark; Domain=localhost; Path=/; HttpOnly; SameSite=Strict');
});

test('without a parser: res.cookie() keeps Express defaults, @Cookies reads the header itself, @SignedCookies fails with a code', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [CookieController] }, undefined, { logger });
  t.after(close);
  assert.deepEqual(setCookies(await fetch(`${url}/c/set-plain`)), ['theme=dark; Path=/']);
  const plain = await call(`${url}/c/plain`, { headers: { cookie: 'theme=light' } });
  assert.deepEqual(plain.body, { theme: 'light', ctor: 'absent', proto: 'absent' });
  const signed = await call(`${url}/c/signed-only`, { headers: { cookie: 'session=x' } });
  assert.equal(signed.status, 500);
  assert.ok(
    logger.lines.some((l) => l.level === 'error' && l.message.includes('SN_ERR_COOKIE_PARSER_MISSING')),
    JSON.stringify(logger.lines),
  );
});

test('res.cookie({ signed: true }) without a secret is SN_ERR_COOKIE_SECRET, even under cookieParser()', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => void app.use(cookieParser()), { logger });
  t.after(close);
  const res = await call(`${url}/c/set`);
  assert.equal(res.status, 500);
  assert.ok(logger.lines.some((l) => l.message.includes('SN_ERR_COOKIE_SECRET')));
  // With no secret, an s: cookie is a plain one, as cookie-parser has it.
  const all = await call(`${url}/c/all`, { headers: { cookie: 'session=s%3Aabc.def' } });
  assert.deepEqual(all.body, { cookies: { session: 's:abc.def' }, signed: {} });
});

test('cookie names never reach Object.prototype: constructor and __proto__ are cookies like any other', async (t) => {
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => void app.use(cookieParser(SECRET)));
  t.after(close);
  const none = await call(`${url}/c/plain`);
  assert.deepEqual(none.body, { theme: null, ctor: 'absent', proto: 'absent' });
  const some = await call(`${url}/c/plain`, { headers: { cookie: 'constructor=1; __proto__=2' } });
  assert.deepEqual(some.body, { theme: null, ctor: 'string', proto: 'string' });
});

test('hostile Cookie headers: malformed pairs never throw, and past maxCookies the rest is ignored', async (t) => {
  const { url, close } = await startApp({ controllers: [CookieController] }, (app) => void app.use(cookieParser(SECRET, { maxCookies: 5 })));
  t.after(close);
  for (const cookie of ['=', ';;;', '=;=;', 'theme', 'theme=%E0%A4%A', 'theme="unterminated', 'a=j:', 's=s:', '\u00ff=\u00ff', 'x=1;'.repeat(2000)]) {
    const res = await rawGet(url, '/c/all', cookie);
    assert.equal(res.status, 200, `Cookie: ${JSON.stringify(cookie.slice(0, 40))}`);
  }
  const bad = await call(`${url}/c/plain`, { headers: { cookie: 'theme=%E0%A4%A' } });
  assert.deepEqual(bad.body, { theme: '%E0%A4%A', ctor: 'absent', proto: 'absent' });
  const many = Array.from({ length: 50 }, (_, i) => `c${i}=${i}`).join('; ');
  const all = await call(`${url}/c/all`, { headers: { cookie: many } });
  assert.deepEqual(Object.keys(all.body.cookies), ['c0', 'c1', 'c2', 'c3', 'c4']);
});

test('cookieParser() refuses a bad secret or limit at start-up, with codes', () => {
  assert.throws(() => cookieParser(''), { code: 'SN_ERR_INVALID_ARGUMENT', name: 'StreamnestTypeError' });
  assert.throws(() => cookieParser(['ok', 7 as unknown as string]), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => cookieParser('s', { maxCookies: 0 }), { code: 'SN_ERR_INVALID_OPTION', message: /maxCookies/ });
  assert.throws(() => cookieParser('s', { maxCookies: 1.5 }), { code: 'SN_ERR_INVALID_OPTION' });
});

test('parseCookies() alone: the same rules, for code that reads a Cookie header itself', () => {
  const read = parseCookies(`a=1; s=${encodeURIComponent(signedValue('v', 'k'))}; f=${encodeURIComponent(signedValue('v', 'x'))}`, ['k'], 10);
  assert.deepEqual({ ...read.cookies }, { a: '1' });
  assert.deepEqual({ ...read.signedCookies }, { s: 'v' });
  assert.equal(Object.getPrototypeOf(read.cookies), null);
  assert.deepEqual({ ...parseCookies(undefined, [], 10).cookies }, {});
});

@Injectable()
class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return typeof context.switchToHttp().getRequest().signedCookies?.session === 'string';
  }
}

@Controller('guarded')
@UseGuards(SessionGuard)
class GuardedController {
  @Get()
  me(@SignedCookies('session') session: string) {
    return { session };
  }
}

test('CookiesModule.forRoot({ secret }): every route reads cookies, guards included, with the safe defaults', async (t) => {
  const { url, close } = await startApp({ imports: [CookiesModule.forRoot({ secret: [SECRET, 'old'] })], controllers: [GuardedController, CookieController] });
  t.after(close);
  assert.equal((await call(`${url}/guarded`)).status, 403);
  const forged = await call(`${url}/guarded`, { headers: { cookie: cookieHeader({ session: signedValue('u', 'forged') }) } });
  assert.equal(forged.status, 403);
  const ok = await call(`${url}/guarded`, { headers: { cookie: cookieHeader({ session: signedValue('u', 'old') }) } });
  assert.deepEqual([ok.status, ok.body], [200, { session: 'u' }]);
  assert.equal(named(setCookies(await fetch(`${url}/c/set`)), 'theme'), 'theme=dark; Path=/; HttpOnly; SameSite=Lax');
});

@Injectable()
class CookieConfig {
  readonly secret = 'from configuration';
}

test('CookiesModule.forRootAsync({ useFactory, inject }) takes the secret from a provider', async (t) => {
  const { url, close } = await startApp({
    imports: [
      CookiesModule.forRootAsync({
        useFactory: (config: CookieConfig) => ({ secret: config.secret, maxCookies: 10 }),
        inject: [CookieConfig],
        provideInjectionTokensFrom: [CookieConfig],
      }),
    ],
    controllers: [GuardedController],
  });
  t.after(close);
  const ok = await call(`${url}/guarded`, { headers: { cookie: cookieHeader({ session: signedValue('u', 'from configuration') }) } });
  assert.deepEqual([ok.status, ok.body], [200, { session: 'u' }]);
  assert.equal((await call(`${url}/guarded`, { headers: { cookie: cookieHeader({ session: signedValue('u', SECRET) }) } })).status, 403);
});

/** A GET with the Cookie header sent exactly as given, bytes fetch would refuse included. */
function rawGet(base: string, path: string, cookie: string): Promise<{ status: number }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port: Number(port), path, headers: { cookie: Buffer.from(cookie, 'latin1').toString('latin1') }, agent: false });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode! }));
    });
    req.on('error', reject);
    req.end();
  });
}
