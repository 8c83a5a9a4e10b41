import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, NestFactory, Module, Param, type StreamnestError } from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

@Controller()
class Nest11Routes {
  @Get('files/*path') file(@Param('path') path: string[]) {
    return { path };
  }
  @Get('users{/:id}') user(@Param('id') id?: string) {
    return { id: id ?? null };
  }
  @Get('docs{/*rest}') docs(@Param('rest') rest?: string[]) {
    return { rest: rest ?? null };
  }
  @Get('legacy/*') legacy(@Param('*') rest: string) {
    return { rest };
  }
}

test("NestJS 11's route syntax: *name wildcards (a list of segments, as Express 5 gives) and {optional} parts", async (t) => {
  const { url, close } = await startApp({ controllers: [Nest11Routes] });
  t.after(close);
  assert.deepEqual((await call(`${url}/files/a/b.txt`)).body, { path: ['a', 'b.txt'] });
  assert.deepEqual((await call(`${url}/users`)).body, { id: null });
  assert.deepEqual((await call(`${url}/users/7`)).body, { id: '7' });
  assert.deepEqual((await call(`${url}/docs`)).body, { rest: null });
  assert.deepEqual((await call(`${url}/docs/guide/intro`)).body, { rest: ['guide', 'intro'] });
  assert.deepEqual((await call(`${url}/legacy/x/y`)).body, { rest: 'x/y' });
  assert.equal((await call(`${url}/files/a/b.txt`, { method: 'HEAD' })).status, 200);
});

test('a wildcard before the end of a path, or an optional part that does not close, is a start-up error naming the route', async () => {
  for (const path of ['files/*path/more', 'users{/:id', 'a{b{c}}']) {
    @Controller()
    class Bad {
      @Get(path) get() {
        return 'never';
      }
    }
    @Module({ controllers: [Bad] })
    class BadModule {}
    const app = await NestFactory.create(BadModule, { logger: false });
    await assert.rejects(app.init(), (error: StreamnestError) => error.code === 'SN_ERR_INVALID_ROUTE_PATTERN' && error.message.includes('Bad.get'), path);
  }
});
