import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { All, Controller, Delete, Get, Head, Header, Module, NestFactory, Options, Param, Patch, Post, Put, Req, type StreamnestError } from 'streamnest';
import { Test } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { call, rawRequest } from './support.js';

@Controller('items')
class ItemsController {
  @Get() list() {
    return ['a', 'b'];
  }
  @Get(':id') one(@Param('id') id: string) {
    return { id };
  }
  @Get(':id/parts/:part') part(@Param() params: Record<string, string>) {
    return { ...params };
  }
  @Post() create() {
    return { created: true };
  }
  @Put(':id') replace(@Param('id') id: string) {
    return { replaced: id };
  }
  @Patch(':id') patch(@Param('id') id: string) {
    return { patched: id };
  }
  @Delete(':id') remove(@Param('id') id: string) {
    return { deleted: id };
  }
  @Options() options() {
    return 'options';
  }
}

@Controller('files')
class FilesController {
  @Get('*') file(@Param('*') rest: string) {
    return { rest };
  }
}

@Controller('any')
class AnyController {
  @All('thing') thing() {
    return 'any';
  }
}

@Controller()
class RootController {
  @Get() root() {
    return 'root';
  }
  @Get('length') @Header('X-Route', 'length') length() {
    return 'twelve chars';
  }
}

test('every method decorator routes its method, with path params', async (t) => {
  const { url, close } = await startApp({ controllers: [ItemsController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/items`)).body, ['a', 'b']);
  assert.deepEqual((await call(`${url}/items/7`)).body, { id: '7' });
  assert.deepEqual((await call(`${url}/items/7/parts/wheel`)).body, { id: '7', part: 'wheel' });
  const created = await call(`${url}/items`, { method: 'POST' });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body, { created: true });
  assert.deepEqual((await call(`${url}/items/3`, { method: 'PUT' })).body, { replaced: '3' });
  assert.deepEqual((await call(`${url}/items/3`, { method: 'PATCH' })).body, { patched: '3' });
  assert.deepEqual((await call(`${url}/items/3`, { method: 'DELETE' })).body, { deleted: '3' });
  assert.equal((await call(`${url}/items`, { method: 'OPTIONS' })).text, 'options');
});

test('path params are URL-decoded, and a trailing slash matches the same route', async (t) => {
  const { url, close } = await startApp({ controllers: [ItemsController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/items/a%20b%2Fc`)).body, { id: 'a b/c' });
  assert.deepEqual((await call(`${url}/items/`)).body, ['a', 'b']);
});

test('a wildcard takes the rest of the path', async (t) => {
  const { url, close } = await startApp({ controllers: [FilesController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/files/docs/readme.md`)).body, { rest: 'docs/readme.md' });
});

test('@All answers every method', async (t) => {
  const { url, close } = await startApp({ controllers: [AnyController] });
  t.after(close);
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    const res = await call(`${url}/any/thing`, { method });
    assert.equal(res.text, 'any', method);
  }
});

test('setGlobalPrefix() puts every route under the prefix', async (t) => {
  const { url, close } = await startApp({ controllers: [ItemsController, RootController] }, (app) => {
    app.setGlobalPrefix('/api/v1/');
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/api/v1/items/9`)).body, { id: '9' });
  assert.equal((await call(`${url}/api/v1`)).text, 'root');
  assert.equal((await call(`${url}/items/9`)).status, 404);
});

test('HEAD answers for every GET with its headers and no body', async (t) => {
  const { url, close } = await startApp({ controllers: [RootController, ItemsController] });
  t.after(close);
  const res = await new Promise<http.IncomingMessage & { body: string }>((resolve, reject) => {
    http
      .request(`${url}/length`, { method: 'HEAD' }, (r) => {
        let body = '';
        r.on('data', (c) => {
          body += c;
        });
        r.on('end', () => resolve(Object.assign(r, { body })));
      })
      .on('error', reject)
      .end();
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-length'], '12');
  assert.equal(res.headers['x-route'], 'length');
  assert.match(String(res.headers['content-type']), /text\/plain/);
  assert.equal(res.body, '');
  assert.equal((await fetch(`${url}/items/4`, { method: 'HEAD' })).status, 200);
});

test('an explicit @Head() route wins over the implicit HEAD of a GET on the same path', async (t) => {
  @Controller('h')
  class HeadController {
    @Get() get() {
      return 'get';
    }
    @Head() @Header('X-Explicit', 'yes') head() {
      return undefined;
    }
  }
  @Controller('h2')
  class HeadFirstController {
    @Head() @Header('X-Explicit', 'first') head() {
      return undefined;
    }
    @Get() get() {
      return 'get';
    }
  }
  const { url, close } = await startApp({ controllers: [HeadController, HeadFirstController] });
  t.after(close);
  assert.equal((await fetch(`${url}/h`, { method: 'HEAD' })).headers.get('x-explicit'), 'yes');
  assert.equal((await fetch(`${url}/h2`, { method: 'HEAD' })).headers.get('x-explicit'), 'first');
  assert.equal((await call(`${url}/h`)).text, 'get');
});

test('an unknown path is a 404 in JSON; a known path with another method is a 405 with Allow', async (t) => {
  const { url, close } = await startApp({ controllers: [ItemsController] });
  t.after(close);
  const missing = await call(`${url}/nowhere?x=1`);
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get('content-type')!, /application\/json/);
  assert.deepEqual(missing.body, { statusCode: 404, message: 'Cannot GET /nowhere', error: 'Not Found' });
  const wrong = await call(`${url}/items/1`, { method: 'POST' });
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get('allow')!, /GET/);
  assert.equal(wrong.body.statusCode, 405);
});

test('a malformed URL gets a 4xx, and the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [ItemsController] });
  t.after(close);
  const raw = await rawRequest(url, 'GET /items/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(raw, /^HTTP\/1\.1 4\d\d /);
  const garbage = await rawRequest(url, 'NOT A REQUEST\r\n\r\n');
  assert.match(garbage, /^HTTP\/1\.1 400 /);
  assert.deepEqual((await call(`${url}/items/1`)).body, { id: '1' });
});

test('two routes with the same method and path are a clear start-up error naming both handlers', async () => {
  @Controller('dup')
  class First {
    @Get(':id') a() {
      return 1;
    }
  }
  @Controller('dup')
  class Second {
    @Get(':id') b() {
      return 2;
    }
  }
  @Module({ controllers: [First, Second] })
  class DupModule {}
  const app = await NestFactory.create(DupModule, { logger: false });
  await assert.rejects(app.listen({ port: 0, hostname: '127.0.0.1' }), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_ROUTE_CONFLICT');
    assert.match(error.message, /GET \/dup\/:id/);
    assert.match(error.message, /First\.a/);
    assert.match(error.message, /Second\.b/);
    return true;
  });
  assert.equal(app.getHttpServer().listening, false, 'nothing listens after a failed start');
  await app.close();
});

test('routes differing only in parameter names also collide at start-up', async () => {
  @Controller('p')
  class Params {
    @Get(':id') a() {
      return 1;
    }
    @Get(':name') b() {
      return 2;
    }
  }
  const app = (await Test.createTestingModule({ controllers: [Params] }).compile()).createNestApplication({ logger: false });
  await assert.rejects(app.init(), (error: StreamnestError) => error.code === 'SN_ERR_ROUTE_CONFLICT' && /Params\.b/.test(error.message));
});

@Controller('people')
class PeopleController {
  @Get('me') me(@Req() req: { query: Record<string, unknown>; params: Record<string, unknown> }) {
    const seen = Object.keys(req.query);
    const queryIsPlain = Object.getPrototypeOf(req.query) === Object.prototype;
    // A handler may write to its own query: the next request must not see it.
    req.query.touched = 'yes';
    return { who: 'me', seen, params: Object.keys(req.params), paramsInherit: 'toString' in req.params, queryIsPlain };
  }
  @Get(':id') one(@Param('id') id: string) {
    return { who: id };
  }
}

test('a path with no parameter is found alike with a query string, a trailing slash or none, beside a parameter route; each request has its own query and params, with no inherited keys', async (t) => {
  const { url, close } = await startApp({ controllers: [PeopleController] });
  t.after(close);
  // The trailing slash goes through the tree's scan: the exact path must give the handler the same.
  const viaTree = (await call(`${url}/people/me/`)).body;
  assert.deepEqual(viaTree, { who: 'me', seen: [], params: [], paramsInherit: false, queryIsPlain: true });
  assert.deepEqual((await call(`${url}/people/me`)).body, viaTree);
  assert.deepEqual((await call(`${url}/people/me`)).body, viaTree);
  assert.deepEqual((await call(`${url}/people/me?page=2`)).body, { ...viaTree, seen: ['page'], queryIsPlain: false });
  assert.deepEqual((await call(`${url}/people/42`)).body, { who: '42' });
  assert.deepEqual((await call(`${url}/people/Me`)).body, { who: 'Me' }, 'paths are case-sensitive');
  const wrongMethod = await call(`${url}/people/me`, { method: 'POST' });
  assert.equal(wrongMethod.status, 405);
  const head = await call(`${url}/people/me`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});
