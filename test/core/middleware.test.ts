import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import morgan from 'morgan';
import { Controller, Get, Post, Req, Body, Param, Query, type NextFunction } from 'streamnest';
import { startApp } from '../support/app.js';
import { call, eventually } from './support.js';

type SeenRequest = IncomingMessage & { seen?: string[]; originalUrl?: string };

@Controller()
class MwController {
  @Get('api/things') things(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [], url: req.url, originalUrl: req.originalUrl };
  }
  @Get('open') open(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
  @Post('api/echo') echo(@Body() body: unknown) {
    return body;
  }
}

const mark = (name: string) => (req: SeenRequest, _res: ServerResponse, next: NextFunction) => {
  (req.seen ??= []).push(`${name}:${req.url}`);
  next();
};

test('app.use(fn) runs for every request in order; app.use(path, fn) only under the path, with the prefix stripped', async (t) => {
  const { url, close } = await startApp({ controllers: [MwController] }, (app) => {
    app.use(mark('all'));
    app.use('/api', mark('api'));
    app.use('/ap', mark('never'));
    app.use(async (req: SeenRequest, _res: ServerResponse, next: NextFunction) => {
      await new Promise((r) => setImmediate(r));
      (req.seen ??= []).push('async');
      next();
    });
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/api/things?x=1`)).body, {
    seen: ['all:/api/things?x=1', 'api:/things?x=1', 'async'],
    url: '/api/things?x=1',
    originalUrl: '/api/things?x=1',
  });
  assert.deepEqual((await call(`${url}/open`)).body, { seen: ['all:/open', 'async'] });
});

test('middleware can answer by itself, and can fail with next(err) or a throw (sync or async), without crashing', async (t) => {
  const { url, close } = await startApp({ controllers: [MwController] }, (app) => {
    app.use('/short', (_req: SeenRequest, res: ServerResponse) => {
      res.statusCode = 418;
      res.end('short-circuit');
    });
    app.use('/next-error', (_req: SeenRequest, _res: ServerResponse, next: NextFunction) => next(new Error('next error detail')));
    app.use('/throws', () => {
      throw new Error('thrown detail');
    });
    app.use('/rejects', async () => {
      throw new Error('rejected detail');
    });
  });
  t.after(close);
  const short = await call(`${url}/short/anything`);
  assert.equal(short.status, 418);
  assert.equal(short.text, 'short-circuit');
  for (const path of ['next-error', 'throws', 'rejects']) {
    const res = await call(`${url}/${path}`);
    assert.equal(res.status, 500, path);
    assert.doesNotMatch(res.text, /detail/);
  }
  assert.deepEqual((await call(`${url}/open`)).body, { seen: [] });
});

test('app.use() refuses something that is not a function', async (t) => {
  const { app, close } = await startApp({ controllers: [MwController] });
  t.after(close);
  assert.throws(() => app.use('/x', 'nope' as any), /middleware must be a function/);
});

test('helmet works unchanged: its security headers are on route responses and on 404s', async (t) => {
  const { url, close } = await startApp({ controllers: [MwController] }, (app) => {
    app.use(helmet());
  });
  t.after(close);
  const res = await call(`${url}/open`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/);
  assert.equal(res.headers.get('x-powered-by'), null);
  assert.equal((await call(`${url}/missing`)).headers.get('x-content-type-options'), 'nosniff');
});

test('morgan works unchanged: it logs each request line with method, original URL and status', async (t) => {
  const lines: string[] = [];
  const { url, close } = await startApp({ controllers: [MwController] }, (app) => {
    app.use(
      morgan(':method :url :status :res[content-length]', {
        stream: {
          write: (line: string) => {
            lines.push(line.trim());
          },
        },
      }),
    );
  });
  t.after(close);
  await call(`${url}/open?q=1`);
  await call(`${url}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  await call(`${url}/missing`);
  await eventually(() => lines.length === 3, 'three morgan lines');
  assert.equal(lines[0], 'GET /open?q=1 200 11');
  assert.equal(lines[1], 'POST /api/echo 201 7');
  assert.match(lines[2]!, /^GET \/missing 404 \d+$/);
});

test('a body already parsed by a middleware is kept, not read again', async (t) => {
  const { url, close } = await startApp({ controllers: [MwController] }, (app) => {
    app.use((req: SeenRequest & { body?: unknown }, _res: ServerResponse, next: NextFunction) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        raw += c;
      });
      req.on('end', () => {
        req.body = { parsedBy: 'middleware', raw };
        next();
      });
    });
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).body, {
    parsedBy: 'middleware',
    raw: '{"a":1}',
  });
});

type QueryRequest = IncomingMessage & { query: Record<string, unknown>; params: Record<string, unknown>; before?: unknown };

@Controller('q')
class QueryController {
  @Get('plain') plain(@Query() query: unknown, @Param() params: unknown, @Req() req: QueryRequest) {
    return { query, params, before: req.before };
  }
  @Get(':id') one(@Param('id') id: string, @Query() query: unknown, @Req() req: QueryRequest) {
    return { id, query, before: req.before };
  }
}

test('middleware reads req.query parsed and req.params empty before routing; a change it makes to req.query reaches the handler', async (t) => {
  const { url, close } = await startApp({ controllers: [QueryController] }, (app) => {
    app.use((req: QueryRequest, _res: ServerResponse, next: NextFunction) => {
      req.before = { query: { ...req.query }, params: { ...req.params }, inherits: 'constructor' in req.params };
      if (req.query.tag !== undefined) req.query.tagged = 'by middleware';
      next();
    });
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/q/plain?a=1&a=2&tag=x`)).body, {
    query: { a: ['1', '2'], tag: 'x', tagged: 'by middleware' },
    params: {},
    before: { query: { a: ['1', '2'], tag: 'x' }, params: {}, inherits: false },
  });
  assert.deepEqual((await call(`${url}/q/plain`)).body, { query: {}, params: {}, before: { query: {}, params: {}, inherits: false } });
  assert.deepEqual((await call(`${url}/q/7?b=2`)).body, { id: '7', query: { b: '2' }, before: { query: { b: '2' }, params: {}, inherits: false } });
  // Hostile keys and escapes: plain own keys of an object with no prototype, malformed escapes kept as sent.
  const hostile = (await call(`${url}/q/plain?__proto__=x&constructor=y&b=%ZZ&c=%E0%A4`)).body;
  assert.deepEqual(Object.entries(hostile.query), [
    ['__proto__', 'x'],
    ['constructor', 'y'],
    ['b', '%ZZ'],
    ['c', '%E0%A4'],
  ]);
});

test('an exact route with no query string hands its handler empty query and params objects of its own, which it may change', async (t) => {
  const seen: Array<{ query: Record<string, unknown>; params: Record<string, unknown> }> = [];
  @Controller()
  class Keep {
    @Get('keep') keep(@Req() req: QueryRequest) {
      seen.push({ query: req.query, params: req.params });
      req.query.mine = String(seen.length);
      return { query: req.query, params: req.params };
    }
  }
  const { url, close } = await startApp({ controllers: [Keep] });
  t.after(close);
  assert.deepEqual((await call(`${url}/keep`)).body, { query: { mine: '1' }, params: {} });
  assert.deepEqual((await call(`${url}/keep`)).body, { query: { mine: '2' }, params: {} }, 'nothing of the first request leaks into the second');
  assert.notEqual(seen[0]!.query, seen[1]!.query);
  assert.notEqual(seen[0]!.params, seen[1]!.params);
});
