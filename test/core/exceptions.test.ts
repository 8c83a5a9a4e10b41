import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as streamnest from 'streamnest';
import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  Controller,
  Errors,
  ForbiddenException,
  GatewayTimeoutException,
  GoneException,
  Get,
  HttpException,
  HttpStatus,
  HttpVersionNotSupportedException,
  ImATeapotException,
  InternalServerErrorException,
  IntrinsicException,
  MethodNotAllowedException,
  MisdirectedException,
  NotAcceptableException,
  NotFoundException,
  NotImplementedException,
  Param,
  PayloadTooLargeException,
  PreconditionFailedException,
  RequestMethod,
  RequestTimeoutException,
  ServiceUnavailableException,
  TooManyRequestsException,
  UnauthorizedException,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call, CaptureLogger } from './support.js';

/** Every built-in exception, with its status and its default description, as NestJS defines them. */
const BUILT_INS: Array<[new (objectOrError?: any, descriptionOrOptions?: any) => HttpException, number, string]> = [
  [BadRequestException, 400, 'Bad Request'],
  [UnauthorizedException, 401, 'Unauthorized'],
  [ForbiddenException, 403, 'Forbidden'],
  [NotFoundException, 404, 'Not Found'],
  [MethodNotAllowedException, 405, 'Method Not Allowed'],
  [NotAcceptableException, 406, 'Not Acceptable'],
  [RequestTimeoutException, 408, 'Request Timeout'],
  [ConflictException, 409, 'Conflict'],
  [GoneException, 410, 'Gone'],
  [PreconditionFailedException, 412, 'Precondition Failed'],
  [PayloadTooLargeException, 413, 'Payload Too Large'],
  [UnsupportedMediaTypeException, 415, 'Unsupported Media Type'],
  [ImATeapotException, 418, "I'm a teapot"],
  [MisdirectedException, 421, 'Misdirected'],
  [UnprocessableEntityException, 422, 'Unprocessable Entity'],
  [TooManyRequestsException, 429, 'Too Many Requests'],
  [InternalServerErrorException, 500, 'Internal Server Error'],
  [NotImplementedException, 501, 'Not Implemented'],
  [BadGatewayException, 502, 'Bad Gateway'],
  [ServiceUnavailableException, 503, 'Service Unavailable'],
  [GatewayTimeoutException, 504, 'Gateway Timeout'],
  [HttpVersionNotSupportedException, 505, 'HTTP Version Not Supported'],
];

const byStatus = new Map(BUILT_INS.map(([Exception, status]) => [String(status), Exception]));

@Controller('e')
class ErrorsController {
  @Get('message/:code') message(@Param('code') code: string) {
    throw new (byStatus.get(code)!)('it went wrong');
  }
  @Get('bare/:code') bare(@Param('code') code: string) {
    throw new (byStatus.get(code)!)();
  }
  @Get('object/:code') object(@Param('code') code: string) {
    throw new (byStatus.get(code)!)({ reason: 'custom', code: 'E42' });
  }
  @Get('list') list() {
    throw new BadRequestException(['a is wrong', 'b is wrong']);
  }
  @Get('described') described() {
    throw new BadRequestException('bad', 'Nope');
  }
  @Get('described-option') describedOption() {
    throw new BadRequestException('bad', { description: 'Nope' });
  }
  @Get('caused') caused() {
    throw new ConflictException('dup', { cause: new Error('unique index') });
  }
  @Get('base-string') baseString() {
    throw new HttpException('plain words', HttpStatus.CONFLICT);
  }
  @Get('base-object') baseObject() {
    throw new HttpException({ status: 'error', hint: 'retry' }, 429);
  }
  @Get('base-object-message') baseObjectMessage() {
    throw new HttpException({ message: 'in the object', statusCode: 499 }, 499);
  }
  @Get('bigint-body') bigintBody() {
    throw new HttpException({ big: 1n }, 400);
  }
  @Get('bad-status') badStatus() {
    throw new HttpException('what status?', 42);
  }
  @Get('plain') plain() {
    throw new Error('database password is hunter2');
  }
  @Get('async') async asyncPlain() {
    await new Promise((r) => setImmediate(r));
    throw new TypeError('async detail');
  }
  @Get('string') string() {
    throw 'a thrown string';
  }
  @Get('null') nothing() {
    throw null;
  }
  @Get('http-error') httpError() {
    throw Object.assign(new Error('Gone away'), { status: 410, statusCode: 410, expose: true });
  }
  @Get('http-error-5xx') httpError5xx() {
    throw Object.assign(new Error('upstream secret'), { status: 502, statusCode: 502, expose: false });
  }
  @Get('backend-down') backendDown() {
    throw Errors.TRANSPORT_UNAVAILABLE('news', 'connection refused to 10.0.0.7');
  }
  @Get('ok') ok() {
    return 'still alive';
  }
}

test('a built-in exception given a message sends { message, error, statusCode }, for every one NestJS has', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  for (const [, status, description] of BUILT_INS) {
    const res = await call(`${url}/e/message/${status}`);
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    // The exact text, key order included, that NestJS sends.
    assert.equal(res.text, JSON.stringify({ message: 'it went wrong', error: description, statusCode: status }));
  }
});

test('a built-in exception given nothing sends { message: its description, statusCode }', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  for (const [, status, description] of BUILT_INS) {
    const res = await call(`${url}/e/bare/${status}`);
    assert.equal(res.status, status);
    assert.equal(res.text, JSON.stringify({ message: description, statusCode: status }));
  }
});

test('a built-in exception given an object sends that object as it is', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  for (const [, status] of BUILT_INS) {
    const res = await call(`${url}/e/object/${status}`);
    assert.equal(res.status, status);
    assert.deepEqual(res.body, { reason: 'custom', code: 'E42' });
  }
});

test('message lists, descriptions (as a string or an option), and options with only a cause', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  assert.equal((await call(`${url}/e/list`)).text, JSON.stringify({ message: ['a is wrong', 'b is wrong'], error: 'Bad Request', statusCode: 400 }));
  assert.deepEqual((await call(`${url}/e/described`)).body, { message: 'bad', error: 'Nope', statusCode: 400 });
  assert.deepEqual((await call(`${url}/e/described-option`)).body, { message: 'bad', error: 'Nope', statusCode: 400 });
  // As in NestJS: options without a description leave `error` out.
  const caused = await call(`${url}/e/caused`);
  assert.equal(caused.status, 409);
  assert.equal(caused.text, JSON.stringify({ message: 'dup', statusCode: 409 }));
  assert.doesNotMatch(caused.text, /unique index/);
});

test('HttpException itself: a string becomes { statusCode, message }, an object goes as it is', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  const string = await call(`${url}/e/base-string`);
  assert.equal(string.status, 409);
  assert.equal(string.text, JSON.stringify({ statusCode: 409, message: 'plain words' }));
  const object = await call(`${url}/e/base-object`);
  assert.equal(object.status, 429);
  assert.deepEqual(object.body, { status: 'error', hint: 'retry' });
  const withMessage = await call(`${url}/e/base-object-message`);
  assert.equal(withMessage.status, 499);
  assert.deepEqual(withMessage.body, { message: 'in the object', statusCode: 499 });
});

test("the router's 404 is NestJS's body, to the byte", async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  const res = await call(`${url}/nowhere?x=1`);
  assert.equal(res.status, 404);
  assert.equal(res.text, '{"message":"Cannot GET /nowhere","error":"Not Found","statusCode":404}');
});

test('any other thrown value is { statusCode: 500, message: "Internal server error" }; the detail is logged, never sent', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [ErrorsController] }, undefined, { logger });
  t.after(close);
  for (const path of ['plain', 'async', 'string', 'null']) {
    const res = await call(`${url}/e/${path}`);
    assert.equal(res.status, 500, path);
    assert.equal(res.text, '{"statusCode":500,"message":"Internal server error"}', path);
  }
  const logged = logger.text();
  assert.match(logged, /database password is hunter2/);
  assert.match(logged, /async detail/);
  assert.match(logged, /a thrown string/);
  assert.equal((await call(`${url}/e/ok`)).text, 'still alive');
});

test('an HttpException whose body cannot be JSON, or whose status is not one, is a logged 500', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [ErrorsController] }, undefined, { logger });
  t.after(close);
  for (const path of ['bigint-body', 'bad-status']) {
    const res = await call(`${url}/e/${path}`);
    assert.equal(res.status, 500, path);
    assert.deepEqual(res.body, { statusCode: 500, message: 'Internal server error' }, path);
  }
  assert.match(logger.text(), /could not be serialised/);
  assert.match(logger.text(), /what status\?/);
  assert.equal((await call(`${url}/e/ok`)).text, 'still alive');
});

test('errors shaped like http-errors (expose, 4xx) keep their status as { statusCode, message }; 5xx ones stay generic', async (t) => {
  const { url, close } = await startApp({ controllers: [ErrorsController] });
  t.after(close);
  const gone = await call(`${url}/e/http-error`);
  assert.equal(gone.status, 410);
  assert.equal(gone.text, JSON.stringify({ statusCode: 410, message: 'Gone away' }));
  const hidden = await call(`${url}/e/http-error-5xx`);
  assert.equal(hidden.status, 500);
  assert.doesNotMatch(hidden.text, /secret/);
});

test('a framework error with an HTTP meaning (the event backend down) is a 503 with Retry-After and a public message', async (t) => {
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [ErrorsController] }, undefined, { logger });
  t.after(close);
  const res = await call(`${url}/e/backend-down`);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '2');
  assert.deepEqual(res.body, { statusCode: 503, message: 'The event backend is unavailable; retry shortly.' });
  assert.doesNotMatch(res.text, /10\.0\.0\.7/);
  assert.match(logger.text(), /10\.0\.0\.7/);
});

test('getResponse returns what was given; message, name and cause as in NestJS', () => {
  assert.equal(new HttpException('My error message', 404).getResponse(), 'My error message');
  const object = { msg: 'My error message', reason: 'human readable' };
  assert.equal(new HttpException(object, 404).getResponse(), object);
  assert.deepEqual(new BadRequestException('My error message').getResponse(), { message: 'My error message', error: 'Bad Request', statusCode: 400 });
  assert.deepEqual(new BadRequestException().getResponse(), { message: 'Bad Request', statusCode: 400 });
  assert.deepEqual(new NotFoundException().getResponse(), { message: 'Not Found', statusCode: 404 });

  assert.equal(`${new HttpException('Some Error', 400)}`, 'HttpException: Some Error');
  assert.equal(`${new HttpException({ foo: 'bar' }, 400)}`, 'HttpException: Http Exception');
  assert.equal(`${new BadRequestException({ foo: 'bar' })}`, 'BadRequestException: Bad Request Exception');
  assert.equal(new HttpException({ message: 'from the object' }, 400).message, 'from the object');
  assert.equal(new BadRequestException(['a', 'b']).message, 'Bad Request Exception');
  assert.equal(new ImATeapotException().message, "I'm a teapot");

  const cause = new Error('root');
  const error = new ConflictException('dup', { cause });
  assert.equal(error.getStatus(), 409);
  assert.equal(error.cause, cause);
  assert.equal(error.name, 'ConflictException');
  assert.ok(error instanceof HttpException);
  assert.ok(error instanceof IntrinsicException);
  assert.ok(error instanceof Error);
  assert.equal(new HttpException('x', 400, { cause }).cause, cause);
  assert.equal(new HttpException('x', 400).cause, undefined);
  class PaymentRequiredException extends HttpException {
    constructor() {
      super('pay first', HttpStatus.PAYMENT_REQUIRED);
    }
  }
  assert.equal(new PaymentRequiredException().name, 'PaymentRequiredException');
  for (const [Exception, status] of BUILT_INS) {
    const built = new Exception('m', { cause });
    assert.equal(built.cause, cause, Exception.name);
    assert.equal(built.getStatus(), status, Exception.name);
    assert.equal(built.name, Exception.name);
  }
});

test('the statics: createBody, getDescriptionFrom, getHttpExceptionOptionsFrom, extractDescriptionAndOptionsFrom', () => {
  const object = { message: 'test' };
  assert.equal(HttpException.createBody(object), object);
  assert.deepEqual(HttpException.createBody('error', 'test', 500), { message: 'error', error: 'test', statusCode: 500 });
  assert.deepEqual(HttpException.createBody(null, 'error', 500), { message: 'error', statusCode: 500 });
  assert.deepEqual(HttpException.createBody('', 'error', 500), { message: 'error', statusCode: 500 });
  assert.deepEqual(HttpException.createBody(['a', 'random', 'array'], 'error', 200), { message: ['a', 'random', 'array'], error: 'error', statusCode: 200 });
  assert.deepEqual(HttpException.createBody(7, 'error', 400), { message: 7, error: 'error', statusCode: 400 });
  assert.equal(HttpException.getDescriptionFrom('text'), 'text');
  assert.equal(HttpException.getDescriptionFrom({ description: 'from options' }), 'from options');
  assert.equal(HttpException.getDescriptionFrom({}), undefined);
  assert.deepEqual(HttpException.getHttpExceptionOptionsFrom('text'), {});
  const options = { cause: 1, description: 'd' };
  assert.equal(HttpException.getHttpExceptionOptionsFrom(options), options);
  assert.deepEqual(HttpException.extractDescriptionAndOptionsFrom('text'), { description: 'text', httpExceptionOptions: {} });
  assert.deepEqual(HttpException.extractDescriptionAndOptionsFrom(options), { description: 'd', httpExceptionOptions: options });
});

test("HttpStatus and RequestMethod have NestJS's names and numbers", () => {
  assert.equal(HttpStatus.OK, 200);
  assert.equal(HttpStatus.NO_CONTENT, 204);
  assert.equal(HttpStatus.I_AM_A_TEAPOT, 418);
  assert.equal(HttpStatus.MISDIRECTED, 421);
  assert.equal(HttpStatus.UNPROCESSABLE_ENTITY, 422);
  assert.equal(HttpStatus.EARLY_HINTS, 103);
  assert.equal(HttpStatus.EARLYHINTS, 103);
  assert.equal(HttpStatus.AMBIGUOUS, HttpStatus.MULTIPLE_CHOICES);
  assert.equal(HttpStatus.NETWORK_AUTHENTICATION_REQUIRED, 511);
  assert.equal(HttpStatus[404], 'NOT_FOUND');
  assert.deepEqual(
    [
      RequestMethod.GET,
      RequestMethod.POST,
      RequestMethod.PUT,
      RequestMethod.DELETE,
      RequestMethod.PATCH,
      RequestMethod.ALL,
      RequestMethod.OPTIONS,
      RequestMethod.HEAD,
      RequestMethod.SEARCH,
      RequestMethod.PROPFIND,
      RequestMethod.PROPPATCH,
      RequestMethod.MKCOL,
      RequestMethod.COPY,
      RequestMethod.MOVE,
      RequestMethod.LOCK,
      RequestMethod.UNLOCK,
    ],
    [...Array(16).keys()],
  );
  assert.equal(RequestMethod[0], 'GET');
  // Every NestJS built-in exception is exported.
  for (const name of ['ImATeapotException', 'HttpVersionNotSupportedException', 'MisdirectedException', 'PreconditionFailedException', 'IntrinsicException']) {
    assert.equal(typeof (streamnest as Record<string, unknown>)[name], 'function', name);
  }
});
