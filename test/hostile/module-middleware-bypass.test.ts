// Middleware bound in configure(consumer) must see every request that reaches
// a route it covers, however the path is spelled, and an exclusion must never
// let a spelling of another route through. Patterns are matched on the one
// canonical URL (request-target.ts), as app.use mounts are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Module, Param, type MiddlewareConsumer, type NestModule, type NextFunction } from 'streamnest';
import { canonicalUrl } from '#internal/http/request-target.js';
import { compilePattern, patternSubject } from '#internal/http/route-pattern.js';
import { startApp } from '../support/app.js';
import { rawRequest } from '../core/support.js';

@Controller()
class SecretController {
  @Get('admin/secret') secret() {
    return { secret: 'the crown jewels' };
  }
  @Get('admin/public/:file') public(@Param('file') file: string) {
    return { file };
  }
  @Get('files/*') file(@Param('*') rest: string) {
    return { rest, secret: rest.startsWith('private') ? 'the crown jewels' : 'none' };
  }
}

const auth = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => {
  if (req.headers['x-admin'] === 'yes') return next();
  res.statusCode = 403;
  res.end('denied');
};

@Module({ controllers: [SecretController] })
class GuardedModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(auth).exclude('admin/public/:file').forRoutes('admin', 'files/private');
  }
}

const get = (url: string, target: string, headers = '') => rawRequest(url, `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`);
const status = (response: string) => Number(response.slice(9, 12));

const SPELLINGS = [
  '/admin/secret',
  'http://x/admin/secret',
  '/%61dmin/secret',
  '/%61%64%6d%69%6e/%73ecret',
  '//admin/secret',
  '///admin//secret',
  '/./admin/secret',
  '/x/../admin/secret',
  '/../admin/secret',
  '/%2e/admin/secret',
  '/x/%2E%2E/admin/secret',
  '/admin/secret/',
  '/admin/public/../secret',
  '/admin/public/%2e%2e/secret',
  '/admin/public/x/../../secret',
];

test('no spelling of a covered route gets past module middleware, exclusions included', async (t) => {
  const { url, close } = await startApp({ imports: [GuardedModule] });
  t.after(close);
  for (const target of SPELLINGS) {
    const denied = await get(url, target);
    assert.equal(status(denied), 403, `${target}: ${denied.slice(0, 60)}`);
    assert.doesNotMatch(denied, /crown jewels/);
    assert.equal(status(await get(url, target, 'X-Admin: yes\r\n')), 200, `${target} with the header`);
  }
  // The excluded route is reachable without the header, and only it.
  assert.equal(status(await get(url, '/admin/public/readme')), 200);
  for (const target of ['/admin/public%2F..%2Fsecret', '/admin/public/x%2F..%2F..%2Fsecret']) {
    const response = await get(url, target);
    assert.doesNotMatch(response, /crown jewels/, target);
  }
});

test('an encoded slash is a separator to module middleware too: a wildcard route that decodes one cannot slip past', async (t) => {
  const { url, close } = await startApp({ imports: [GuardedModule] });
  t.after(close);
  assert.equal(status(await get(url, '/files/public/a')), 200);
  for (const target of [
    '/files/private/secret',
    '/files/private%2Fsecret',
    '/files/private%2fsecret',
    '/files%2Fprivate/secret',
    '/files/private%5Csecret',
    '/files/x/..%2Fprivate/secret',
  ]) {
    const response = await get(url, target);
    assert.equal(status(response), 403, `${target}: ${response.slice(0, 60)}`);
    assert.doesNotMatch(response, /crown jewels/);
  }
});

// Property: a literal pattern matches every spelling of its own path.

const char = fc.constantFrom(...Array.from('abcxyzAZ09-._~!$&\'*,;=@é€😀 "<>^`|'));
const segment = fc
  .array(char, { minLength: 1, maxLength: 6 })
  .map((c) => c.join(''))
  .filter((s) => s !== '.' && s !== '..');
const literalPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join('/')}`);

/** Spells a path validly, escaping characters at random (never those `decodeURI` keeps encoded, which would be another path). */
function spell(path: string, choices: boolean[]): string {
  let i = 0;
  let out = '';
  for (const ch of path) {
    const encode = choices[i++ % choices.length] ?? false;
    if (/[/$&+,;=:@]/.test(ch)) out += ch;
    else if (encode || !/[A-Za-z0-9\-._~!'()*]/.test(ch)) out += [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    else out += ch;
  }
  return out;
}

test('property: a literal pattern, exact or as a prefix, matches every spelling of its path and of what is below it', () => {
  fc.assert(
    fc.property(literalPath, fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), segment, (p, choices, below) => {
      const escaped = p.replace(/[:*(){}\\?+![\]]/g, '\\$&');
      const exact = compilePattern(escaped, 'exact', 'property');
      const prefix = compilePattern(escaped, 'prefix', 'property');
      const spelled = canonicalUrl(spell(p, choices));
      assert.notEqual(spelled, undefined);
      assert.ok(exact.test(patternSubject(spelled!)), `${p} ~ ${spelled}`);
      assert.ok(prefix.test(patternSubject(spelled!)), `${p} ~ ${spelled}`);
      const deeper = canonicalUrl(spell(`${p}/${below}`, choices))!;
      assert.ok(prefix.test(patternSubject(deeper)), `${p} covers ${deeper}`);
      assert.ok(!exact.test(patternSubject(deeper)), `${p} alone is not ${deeper}`);
    }),
    { numRuns: 1000 },
  );
});
