import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BadRequestException, ConflictException, Controller, ForbiddenException, Get, HttpException, InternalServerErrorException, NotFoundException,
  Param, PayloadTooLargeException, UnauthorizedException, UnprocessableEntityException, UnsupportedMediaTypeException, ServiceUnavailableException,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call, CaptureLogger } from './support.js';

const thrown: Record<string, () => unknown> = {
  400: () => new BadRequestException('bad'),
  401: () => new UnauthorizedException('who are you'),
  403: () => new ForbiddenException('not you'),
  404: () => new NotFoundException('nothing here'),
  409: () => new ConflictException('already there'),
  413: () => new PayloadTooLargeException('too big'),
  415: () => new UnsupportedMediaTypeException('what is this'),
  422: () => new UnprocessableEntityException('cannot process'),
  500: () => new InternalServerErrorException('deliberate'),
  503: () => new ServiceUnavailableException('later'),
};

@Controller('e')
class ErrorsController {
  @Get('status/:code') status(@Param('code') code: string) { throw thrown[code]!(); }
  @Get('default') defaultMessage() { throw new ForbiddenException(); }
  @Get('custom') custom() { throw new HttpException({ message: 'custom body', hint: 'retry', statusCode: 429 }, 429); }
  @Get('list') list() { throw new BadRequestException(['a is wrong', 'b is wrong']); }
  @Get('plain') plain() { throw new Error('database password is hunter2'); }
  @Get('async') async asyncPlain() { await new Promise((r) => setImmediate(r)); throw new TypeError('async detail'); }
  @Get('string') string() { throw 'a thrown string'; }
  @Get('null') nothing() { throw null; }
  @Get('http-error') httpError() { throw Object.assign(new Error('Gone away'), { status: 410, statusCode: 410, expose: true }); }
  @Get('http-error-5xx') httpError5xx() { throw Object.assign(new Error('upstream secret'), { status: 502, statusCode: 502, expose: false }); }
  @Get('ok') ok() { return 'still alive'; }
}

test('HttpException subclasses become JSON { statusCode, message, error } with their status', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  const names: Record<string, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
    415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 503: 'Service Unavailable',
  };
  for (const code of Object.keys(thrown)) {
    const res = await call(`${url}/e/status/${code}`);
    assert.equal(res.status, Number(code));
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    assert.deepEqual(res.body, { statusCode: Number(code), message: (thrown[code]!() as HttpException).message, error: names[code] });
  }
});

test('default messages, message lists and whole custom bodies', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/e/default`)).body, { statusCode: 403, message: 'Forbidden', error: 'Forbidden' });
  assert.deepEqual((await call(`${url}/e/list`)).body, { statusCode: 400, message: ['a is wrong', 'b is wrong'], error: 'Bad Request' });
  const custom = await call(`${url}/e/custom`);
  assert.equal(custom.status, 429);
  assert.deepEqual(custom.body, { statusCode: 429, message: 'custom body', error: 'Too Many Requests', hint: 'retry' });
});

test('any other thrown value is a 500 with a generic message; the detail is logged, never sent', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [ErrorsController] }, undefined, { logger });
  t.after(close);
  for (const path of ['plain', 'async', 'string', 'null']) {
    const res = await call(`${url}/e/${path}`);
    assert.equal(res.status, 500, path);
    assert.deepEqual(res.body, { statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' }, path);
  }
  const logged = logger.text();
  assert.match(logged, /database password is hunter2/);
  assert.match(logged, /async detail/);
  assert.match(logged, /a thrown string/);
  assert.equal((await call(`${url}/e/ok`)).text, 'still alive');
});

test('errors shaped like http-errors (expose, status) keep their 4xx status; 5xx ones stay generic', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/e/http-error`)).body, { statusCode: 410, message: 'Gone away', error: 'Gone' });
  const hidden = await call(`${url}/e/http-error-5xx`);
  assert.equal(hidden.status, 500);
  assert.doesNotMatch(hidden.text, /secret/);
});

test('an HttpException keeps its cause and status for code that inspects it', () => {
  const cause = new Error('root');
  const error = new ConflictException('dup', { cause });
  assert.equal(error.getStatus(), 409);
  assert.equal(error.cause, cause);
  assert.equal(error.name, 'ConflictException');
  assert.ok(error instanceof HttpException);
  assert.deepEqual(error.getResponse(), { statusCode: 409, message: 'dup', error: 'Conflict' });
});
