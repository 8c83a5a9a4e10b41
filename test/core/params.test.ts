import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Body, Controller, createParamDecorator, Get, Headers, Ip, Param, Post, Query, Req, Res, type ExecutionContext } from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

const User = createParamDecorator((field: string | undefined, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<IncomingMessage>();
  const user = { name: String(req.headers['x-user'] ?? 'anonymous'), role: 'reader' };
  return field ? user[field as keyof typeof user] : user;
});

@Controller('p')
class ParamsController {
  @Get('one/:a/:b') one(@Param('a') a: string, @Param() all: Record<string, string>) {
    return { a, all: { ...all } };
  }
  @Get('query') query(@Query('page') page: string, @Query('tag') tag: string[], @Query() all: Record<string, unknown>) {
    return { page, tag, all: { ...all } };
  }
  @Post('body') body(@Body() body: unknown, @Body('name') name: string) {
    return { body, name };
  }
  @Get('headers') headers(@Headers('X-Custom') custom: string, @Headers() all: Record<string, string>) {
    return { custom, host: all.host };
  }
  @Get('req') req(@Req() req: IncomingMessage) {
    return { method: req.method, url: req.url };
  }
  @Get('ip') ip(@Ip() ip: string) {
    return { ip };
  }
  @Get('user') user(@User() user: unknown, @User('name') name: string) {
    return { user, name };
  }
  @Get('mixed/:id') mixed(@Query('q') q: string, @Param('id') id: string, @Headers('x-n') n: string) {
    return [id, q, n];
  }

  @Get('res')
  res(@Res() res: ServerResponse) {
    res.statusCode = 202;
    res.setHeader('Content-Type', 'text/plain');
    res.end('handled by hand');
    return 'ignored';
  }

  @Get('res-later')
  resLater(@Res() res: ServerResponse) {
    setTimeout(() => {
      res.statusCode = 200;
      res.end('later');
    }, 10);
  }

  @Get('passthrough')
  passthrough(@Res({ passthrough: true }) res: ServerResponse) {
    res.setHeader('X-Set-By-Handler', 'yes');
    res.statusCode = 299;
    return { sent: 'by framework' };
  }
}

test('@Param(name) and @Param()', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/one/x/y`)).body, { a: 'x', all: { a: 'x', b: 'y' } });
});

test('@Query(name), repeated keys as arrays, and @Query()', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  const res = await call(`${url}/p/query?page=2&tag=a&tag=b&q=%20x`);
  assert.deepEqual(res.body, { page: '2', tag: ['a', 'b'], all: { page: '2', tag: ['a', 'b'], q: ' x' } });
  assert.deepEqual((await call(`${url}/p/query`)).body, { all: {} });
});

test('@Body() and @Body(name)', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  const res = await call(`${url}/p/body`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', n: 1 }) });
  assert.equal(res.status, 201);
  assert.deepEqual(res.body, { body: { name: 'Ada', n: 1 }, name: 'Ada' });
});

test('@Headers(name) is case-insensitive, @Headers() gives them all', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  const res = await call(`${url}/p/headers`, { headers: { 'x-custom': 'v1' } });
  assert.deepEqual(res.body, { custom: 'v1', host: new URL(url).host });
});

test('@Req() is the Node request and @Ip() the client address', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/req?z=1`)).body, { method: 'GET', url: '/p/req?z=1' });
  assert.match((await call(`${url}/p/ip`)).body.ip, /127\.0\.0\.1/);
});

test('createParamDecorator: the factory sees data and the context', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  const res = await call(`${url}/p/user`, { headers: { 'x-user': 'grace' } });
  assert.deepEqual(res.body, { user: { name: 'grace', role: 'reader' }, name: 'grace' });
});

test('parameters of several kinds land in their declared positions', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/mixed/5?q=s`, { headers: { 'x-n': 'h' } })).body, ['5', 's', 'h']);
});

test('@Res(): the handler owns the response, sync or later, and its return value is ignored', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  const res = await call(`${url}/p/res`);
  assert.equal(res.status, 202);
  assert.equal(res.text, 'handled by hand');
  assert.equal((await call(`${url}/p/res-later`)).text, 'later');
});

test('@Res({ passthrough: true }): the handler sets headers, the framework still sends the result', async (t) => {
  const { url, close } = await startApp({ controllers: [ParamsController] });
  t.after(close);
  const res = await call(`${url}/p/passthrough`);
  assert.equal(res.headers.get('x-set-by-handler'), 'yes');
  assert.deepEqual(res.body, { sent: 'by framework' });
});
