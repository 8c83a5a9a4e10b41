// A middleware mounted on a path prefix must see every request that reaches a
// route under it, however the path is spelled: absolute-form request lines,
// percent-encoding, `//`, `/./` and `..`. Middleware, guards and the router
// read one canonical URL, made once in request-target.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Injectable, Param, Req, UseGuards, type CanActivate, type ExecutionContext, type NextFunction } from 'streamnest';
import { canonicalPrefix, canonicalUrl } from '#internal/http/request-target.js';
import { startApp } from '../support/app.js';
import { rawRequest } from '../core/support.js';
import { selfSignedCertificate } from '../support/tls.js';
import http2 from 'node:http2';

const guardSaw: string[] = [];

@Injectable()
class RecordingGuard implements CanActivate {
  canActivate(ctx: ExecutionContext) {
    guardSaw.push(ctx.switchToHttp().getRequest<IncomingMessage>().url!);
    return true;
  }
}

@Controller()
class SecretController {
  @Get('admin/secret') secret() {
    return { secret: 'the crown jewels' };
  }
  @Get('admin/files/:name') file(@Param('name') name: string) {
    return { name };
  }
  @Get('café/menu') menu() {
    return { menu: 'soup' };
  }
  @Get('guarded/:id') @UseGuards(RecordingGuard) guarded(@Req() req: IncomingMessage & { originalUrl?: string }) {
    return { url: req.url, originalUrl: req.originalUrl };
  }
}

/** The middleware under test: anything under /admin needs the header. */
const auth = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => {
  if (req.headers['x-admin'] === 'yes') return next();
  res.statusCode = 403;
  res.end('denied');
};

async function secretApp() {
  return startApp({ controllers: [SecretController], providers: [RecordingGuard] }, (app) => {
    app.use('/admin', auth);
    app.use('/café', auth);
  });
}

function get(url: string, target: string, headers = ''): Promise<string> {
  return rawRequest(url, `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`);
}

const status = (response: string) => Number(response.slice(9, 12));

/** Spellings of /admin/secret that the router also routes to the handler. */
const SPELLINGS = [
  '/admin/secret',
  'http://x/admin/secret',
  'HTTP://evil.example:80/admin/secret',
  'https://x/admin/secret?q=1',
  '/%61dmin/secret',
  '/%61%64%6D%69%6E/secret',
  '/%61%64%6d%69%6e/%73ecret',
  '//admin/secret',
  '///admin//secret',
  '/./admin/secret',
  '/admin/./secret',
  '/x/../admin/secret',
  '/x/y/../../admin/secret',
  '/../admin/secret',
  '/%2e/admin/secret',
  '/x/%2e%2e/admin/secret',
  '/x/%2E%2E/admin/secret',
  '/admin/secret/',
  '/admin/secret/.',
  'http://x//admin/secret',
  'http://x/x/../admin/secret',
];

test('no spelling of a path under a mounted middleware reaches the handler without it', async (t) => {
  const { url, close } = await secretApp();
  t.after(close);
  for (const target of SPELLINGS) {
    const denied = await get(url, target);
    assert.equal(status(denied), 403, `${target} must meet the /admin middleware: ${denied.slice(0, 60)}`);
    assert.doesNotMatch(denied, /crown jewels/);
    const allowed = await get(url, target, 'X-Admin: yes\r\n');
    assert.equal(status(allowed), 200, `${target} with the header reaches the handler: ${allowed.slice(0, 60)}`);
    assert.match(allowed, /crown jewels/);
  }
});

test('over HTTP/2 too, every spelling of :path meets the middleware', async (t) => {
  const tls = selfSignedCertificate();
  const app = await startApp(
    { controllers: [SecretController], providers: [RecordingGuard] },
    (a) => {
      a.use('/admin', auth);
    },
    undefined,
    { http2: tls },
  );
  t.after(app.close);
  const client = http2.connect(app.url, { ca: tls.cert });
  t.after(() => client.close());
  const request = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = client.request({ ':path': path, ...headers });
      let body = '';
      let status = 0;
      stream.on('response', (h) => {
        status = Number(h[':status']);
      });
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => {
        body += c;
      });
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
    });
  for (const path of ['/admin/secret', '/%61dmin/secret', '//admin/secret', '/x/../admin/secret', '/%2e/admin/secret']) {
    const denied = await request(path);
    assert.equal(denied.status, 403, path);
    assert.doesNotMatch(denied.body, /crown jewels/);
    assert.equal((await request(path, { 'x-admin': 'yes' })).status, 200, `${path} with the header`);
  }
});

test('a semicolon or a case change is another path: never the route, never past the middleware', async (t) => {
  const { url, close } = await secretApp();
  t.after(close);
  for (const target of ['/ADMIN/secret', '/admin;/secret', '/admin%3Bx/secret', '/admin%3bx/secret', '/admin%2Fsecret', '/%2Fadmin/secret']) {
    const response = await get(url, target, '');
    assert.ok([403, 404].includes(status(response)), `${target}: ${response.slice(0, 60)}`);
    assert.doesNotMatch(response, /crown jewels/);
  }
  // Encoded reserved characters stay in parameters, decoded once.
  const file = await get(url, '/admin/files/a%2Fb%25c', 'X-Admin: yes\r\n');
  assert.match(file, /"name":"a\/b%c"/);
});

@Controller('files')
class FilesController {
  @Get('*') file(@Param('*') rest: string) {
    return { rest };
  }
}

test('an encoded slash or backslash is a separator to mounts: a wildcard or a parameter that decodes one cannot slip past', async (t) => {
  const { url, close } = await startApp({ controllers: [FilesController] }, (app) => {
    app.use('/files/private', auth);
  });
  t.after(close);
  assert.equal(status(await get(url, '/files/private/secret')), 403);
  assert.match(await get(url, '/files/public/a'), /"rest":"public\/a"/);
  // The router decodes the escape inside its wildcard: the handler would get "private/secret".
  assert.match(await get(url, '/files/private%2Fsecret', 'X-Admin: yes\r\n'), /"rest":"private\/secret"/);
  for (const target of [
    '/files/private%2Fsecret',
    '/files/private%2fsecret',
    '/files%2Fprivate/secret',
    '/files/private%5Csecret',
    '/files/private\\secret',
    '/files/x/..%2Fprivate/secret',
    '/files/x%2F..%2F..%2Ffiles/private/secret',
  ]) {
    const response = await get(url, target);
    assert.equal(status(response), 403, `${target}: ${response.slice(0, 60)}`);
  }
});

test('an async middleware that rejects with no reason fails closed', async (t) => {
  const { url, close } = await startApp({ controllers: [SecretController] }, (app) => {
    app.use('/admin', async () => {
      await Promise.resolve();
      return Promise.reject(undefined);
    });
  });
  t.after(close);
  const response = await get(url, '/admin/secret');
  assert.equal(status(response), 500);
  assert.doesNotMatch(response, /crown jewels/);
});

test('malformed targets get 400 before any middleware or route runs', async (t) => {
  const { url, close } = await secretApp();
  t.after(close);
  for (const target of [
    '/admin/%zz',
    '/admin/%',
    '/admin/%4',
    '/admin/%00secret',
    '/admin/%0d%0aX-Injected:%201',
    '/admin/%C3',
    '/admin/%FF%FE',
    'admin/secret',
    'ftp://x/admin/secret',
    '*',
  ]) {
    const response = await get(url, target);
    assert.equal(status(response), 400, `${target}: ${response.slice(0, 80)}`);
    assert.doesNotMatch(response, /crown jewels|X-Injected/);
  }
});

test('a prefix with non-ASCII characters guards every spelling of it', async (t) => {
  const { url, close } = await secretApp();
  t.after(close);
  for (const target of ['/caf%C3%A9/menu', '/caf%c3%a9/menu', '/%63af%C3%A9/menu', '/x/../caf%C3%A9/menu', 'http://x/caf%C3%A9/menu']) {
    assert.equal(status(await get(url, target)), 403, target);
    assert.equal(status(await get(url, target, 'X-Admin: yes\r\n')), 200, `${target} with the header`);
  }
});

test('guards and handlers see the canonical URL; originalUrl keeps what came', async (t) => {
  const { url, close } = await secretApp();
  t.after(close);
  guardSaw.length = 0;
  const response = await get(url, 'http://x//guarded/%31?q=%2F');
  assert.equal(status(response), 200);
  assert.deepEqual(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)), { url: '/guarded/1?q=%2F', originalUrl: 'http://x//guarded/%31?q=%2F' });
  assert.deepEqual(guardSaw, ['/guarded/1?q=%2F']);
});

test('mount paths are canonical too, and a bad one is refused at start-up with a code', async () => {
  assert.equal(canonicalPrefix('/admin/'), '/admin');
  assert.equal(canonicalPrefix('admin'), '/admin');
  assert.equal(canonicalPrefix('/'), '');
  assert.equal(canonicalPrefix('/café'), '/caf%C3%A9');
  await assert.rejects(
    startApp({ controllers: [SecretController] }, (app) => {
      app.use('/a?b', auth);
    }),
    /SN_ERR_INVALID_MOUNT_PATH/,
  );
  await assert.rejects(
    startApp({ controllers: [SecretController] }, (app) => {
      app.use('/%zz', auth);
    }),
    /SN_ERR_INVALID_MOUNT_PATH/,
  );
});

// Properties of the normaliser itself.

const segmentChar = fc.constantFrom(...Array.from('abcxyzAZ09-._~!$&\'()*+,;=:@é€😀 "<>\\^`{|}[]%/'));
const segment = fc.oneof(
  fc.constantFrom('.', '..', '', 'admin', 'secret'),
  fc.array(segmentChar, { maxLength: 6 }).map((c) => c.join('').replace(/[%/]/g, '')),
);
const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join('/')}`);

/**
 * Spells a path validly, escaping each character or not at random. The
 * characters `decodeURI` leaves encoded (`$&+,;=:@`, and `/`) are never
 * escaped: escaped, they are another path, to the router as to middleware.
 */
function spell(path: string, choices: boolean[]): string {
  let i = 0;
  let out = '';
  for (const ch of path) {
    const encode = choices[i++ % Math.max(choices.length, 1)] ?? false;
    if (/[/$&+,;=:@]/.test(ch)) out += ch;
    else if (encode || !/[A-Za-z0-9\-._~!'()*]/.test(ch)) {
      out += [...Buffer.from(ch, 'utf8')]
        .map((b) => `%${b.toString(16).padStart(2, '0')}`)
        .map((e) => (choices[i++ % Math.max(choices.length, 1)] ? e.toUpperCase() : e))
        .join('');
    } else out += ch;
  }
  return out;
}

test('property: every spelling of a path has one canonical form, and canonical forms are fixed points', () => {
  fc.assert(
    fc.property(path, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (p, a, b) => {
      const one = canonicalUrl(spell(p, a));
      const two = canonicalUrl(spell(p, b));
      assert.notEqual(one, undefined);
      assert.equal(one, two);
      assert.equal(canonicalUrl(one!), one);
      assert.equal(canonicalUrl(`http://host${spell(p, a)}`), one);
      assert.doesNotMatch(
        one!,
        /\/\/|\/\.\.?(\/|$)|%(?:[a-f][0-9a-fA-F]|[0-9A-F][a-f])|[^\x21-\x7e]|["<>[\\\]^`{|}]/,
        `canonical ${one}: no empty or dot segment, lower-case escape, or character that cannot stand raw`,
      );
    }),
    { numRuns: 2000 },
  );
});

test('property: the canonical path decodes to the resolved path, so the router and middleware agree', () => {
  fc.assert(
    fc.property(path, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (p, choices) => {
      const canonical = canonicalUrl(spell(p, choices))!;
      // What the path means: segments resolved as RFC 3986 says.
      const resolved: string[] = [];
      for (const s of p.split('/').slice(1)) {
        if (s === '..') resolved.pop();
        else if (s !== '.' && s !== '') resolved.push(s);
      }
      const decoded = decodeURIComponent(canonical).replace(/\/$/, '');
      assert.equal(decoded, `/${resolved.join('/')}`.replace(/\/$/, '') || '', `${p} → ${canonical}`);
    }),
    { numRuns: 2000 },
  );
});

test('property: arbitrary strings never throw; the result is undefined or a canonical URL', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (raw) => {
      const url = canonicalUrl(raw);
      if (url === undefined) return;
      assert.equal(url[0], '/');
      assert.equal(canonicalUrl(url), url);
    }),
    { numRuns: 5000 },
  );
});
