import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IsString, MinLength } from 'class-validator';
import {
  Body,
  Controller,
  DefaultValuePipe,
  ForbiddenException,
  Get,
  HttpStatus,
  Param,
  ParseArrayPipe,
  ParseBoolPipe,
  ParseEnumPipe,
  ParseFloatPipe,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

enum Color {
  Red = 'red',
  Green = 'green',
}

class Tag {
  @IsString() @MinLength(2) name!: string;
  shout() {
    return this.name.toUpperCase();
  }
}

@Controller('p')
class ParseController {
  @Get('int/:v') int(@Param('v', ParseIntPipe) v: number) {
    return { v };
  }
  @Get('int-optional') intOptional(@Query('v', new ParseIntPipe({ optional: true })) v?: number) {
    return { v: v ?? 'none' };
  }
  @Get('int-406/:v') int406(@Param('v', new ParseIntPipe({ errorHttpStatusCode: HttpStatus.NOT_ACCEPTABLE })) v: number) {
    return { v };
  }
  @Get('int-factory/:v') intFactory(@Param('v', new ParseIntPipe({ exceptionFactory: (error) => new ForbiddenException(`custom: ${error}`) })) v: number) {
    return { v };
  }

  @Get('float/:v') float(@Param('v', ParseFloatPipe) v: number) {
    return { v };
  }
  @Get('float-optional') floatOptional(@Query('v', new ParseFloatPipe({ optional: true })) v?: number) {
    return { v: v ?? 'none' };
  }

  @Get('bool') bool(@Query('v', ParseBoolPipe) v: boolean) {
    return { v };
  }
  @Get('bool-optional') boolOptional(@Query('v', new ParseBoolPipe({ optional: true })) v?: boolean) {
    return { v: v ?? 'none' };
  }
  @Get('bool-422') bool422(@Query('v', new ParseBoolPipe({ errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY })) v: boolean) {
    return { v };
  }

  @Get('uuid') uuid(@Query('v', ParseUUIDPipe) v: string) {
    return { v };
  }
  @Get('uuid4') uuid4(@Query('v', new ParseUUIDPipe({ version: '4' })) v: string) {
    return { v };
  }
  @Get('uuid7') uuid7(@Query('v', new ParseUUIDPipe({ version: '7' })) v: string) {
    return { v };
  }
  @Get('uuid-optional') uuidOptional(@Query('v', new ParseUUIDPipe({ optional: true })) v?: string) {
    return { v: v ?? 'none' };
  }

  @Get('enum') color(@Query('v', new ParseEnumPipe(Color)) v: Color) {
    return { v };
  }
  @Get('enum-optional') colorOptional(@Query('v', new ParseEnumPipe(Color, { optional: true })) v?: Color) {
    return { v: v ?? 'none' };
  }

  @Get('page') page(@Query('page', new DefaultValuePipe(1), ParseIntPipe) page: number, @Query('sort', new DefaultValuePipe('asc')) sort: string) {
    return { page, sort };
  }

  @Get('array') array(@Query('ids', new ParseArrayPipe({ items: Number })) ids: number[]) {
    return { ids };
  }
  @Get('array-plain') arrayPlain(@Query('ids', ParseArrayPipe) ids: string[]) {
    return { ids };
  }
  @Get('array-pipe') arrayPipe(@Query('ids', new ParseArrayPipe({ items: String, separator: '|' })) ids: string[]) {
    return { ids };
  }
  @Get('array-bool') arrayBool(@Query('flags', new ParseArrayPipe({ items: Boolean })) flags: boolean[]) {
    return { flags };
  }
  @Get('array-optional') arrayOptional(@Query('ids', new ParseArrayPipe({ items: Number, optional: true })) ids?: number[]) {
    return { ids: ids ?? 'none' };
  }
  @Get('array-all') arrayAll(@Query('ids', new ParseArrayPipe({ items: Number, stopAtFirstError: false })) ids: number[]) {
    return { ids };
  }
  @Post('array-tags') tags(@Body(new ParseArrayPipe({ items: Tag })) tags: Tag[]) {
    return { shouted: tags.map((t) => t.shout()) };
  }
  @Post('array-tags-all') tagsAll(@Body(new ParseArrayPipe({ items: Tag, stopAtFirstError: false })) tags: Tag[]) {
    return { count: tags.length };
  }
}

const bad = (message: unknown, status = 400, error = 'Bad Request') => JSON.stringify({ message, error, statusCode: status });

test("ParseIntPipe: numbers pass; anything else fails with NestJS's message; optional, errorHttpStatusCode and exceptionFactory", async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/int/12`)).body, { v: 12 });
  assert.deepEqual((await call(`${url}/p/int/-3`)).body, { v: -3 });
  for (const value of ['abc', '1.5', '1e3', '12abc', '%20']) {
    const res = await call(`${url}/p/int/${value}`);
    assert.equal(res.status, 400, value);
    assert.equal(res.text, bad('Validation failed (numeric string is expected)'), value);
  }
  assert.deepEqual((await call(`${url}/p/int-optional`)).body, { v: 'none' });
  assert.deepEqual((await call(`${url}/p/int-optional?v=5`)).body, { v: 5 });
  assert.equal((await call(`${url}/p/int-optional?v=x`)).status, 400);
  const notAcceptable = await call(`${url}/p/int-406/x`);
  assert.equal(notAcceptable.status, 406);
  assert.equal(notAcceptable.text, bad('Validation failed (numeric string is expected)', 406, 'Not Acceptable'));
  const custom = await call(`${url}/p/int-factory/x`);
  assert.equal(custom.status, 403);
  assert.equal(custom.body.message, 'custom: Validation failed (numeric string is expected)');
});

test('ParseFloatPipe: decimal and exponent strings pass; others fail; optional', async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/float/1.5`)).body, { v: 1.5 });
  assert.deepEqual((await call(`${url}/p/float/-2e3`)).body, { v: -2000 });
  for (const value of ['abc', '1.5x', 'Infinity']) {
    const res = await call(`${url}/p/float/${value}`);
    assert.equal(res.status, 400, value);
    assert.equal(res.text, bad('Validation failed (numeric string is expected)'), value);
  }
  assert.deepEqual((await call(`${url}/p/float-optional`)).body, { v: 'none' });
  assert.equal((await call(`${url}/p/float-optional?v=nope`)).status, 400);
});

test('ParseBoolPipe: "true" and "false" only; a missing value fails unless optional', async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/bool?v=true`)).body, { v: true });
  assert.deepEqual((await call(`${url}/p/bool?v=false`)).body, { v: false });
  for (const query of ['?v=yes', '?v=1', '?v=TRUE', '']) {
    const res = await call(`${url}/p/bool${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.text, bad('Validation failed (boolean string is expected)'), query);
  }
  assert.deepEqual((await call(`${url}/p/bool-optional`)).body, { v: 'none' });
  assert.equal((await call(`${url}/p/bool-422?v=maybe`)).status, 422);
});

test("ParseUUIDPipe: any version, or one version; non-strings and non-UUIDs fail with NestJS's messages", async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  const v1 = 'a8098c1a-f86e-11da-bd1a-00112444be1e';
  const v4 = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const v7 = '01890a5d-ac96-774b-bcce-b302099a8057';
  assert.deepEqual((await call(`${url}/p/uuid?v=${v1}`)).body, { v: v1 });
  assert.deepEqual((await call(`${url}/p/uuid4?v=${v4}`)).body, { v: v4 });
  assert.deepEqual((await call(`${url}/p/uuid7?v=${v7}`)).body, { v: v7 });
  assert.equal((await call(`${url}/p/uuid?v=not-a-uuid`)).text, bad('Validation failed (uuid is expected)'));
  assert.equal((await call(`${url}/p/uuid4?v=${v1}`)).text, bad('Validation failed (uuid v 4 is expected)'));
  assert.equal((await call(`${url}/p/uuid7?v=${v4}`)).text, bad('Validation failed (uuid v 7 is expected)'));
  assert.equal((await call(`${url}/p/uuid?v=${v4}&v=${v1}`)).text, bad('The value passed as UUID is not a string'));
  assert.equal((await call(`${url}/p/uuid`)).text, bad('The value passed as UUID is not a string'));
  assert.deepEqual((await call(`${url}/p/uuid-optional`)).body, { v: 'none' });
});

test('ParseEnumPipe: enum values pass, others fail; it needs an enum', async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/enum?v=red`)).body, { v: 'red' });
  assert.equal((await call(`${url}/p/enum?v=Red`)).text, bad('Validation failed (enum string is expected)'));
  assert.equal((await call(`${url}/p/enum?v=blue`)).text, bad('Validation failed (enum string is expected)'));
  assert.equal((await call(`${url}/p/enum`)).status, 400);
  assert.deepEqual((await call(`${url}/p/enum-optional`)).body, { v: 'none' });
  assert.throws(
    () => new ParseEnumPipe(undefined),
    (error: Error & { code?: string }) => error.code === 'SN_ERR_INVALID_PIPE_OPTION' && /new ParseEnumPipe\(MyEnum\)/.test(error.message),
  );
});

test('DefaultValuePipe fills in missing values before the next pipe', async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/page`)).body, { page: 1, sort: 'asc' });
  assert.deepEqual((await call(`${url}/p/page?page=4&sort=desc`)).body, { page: 4, sort: 'desc' });
  assert.equal((await call(`${url}/p/page?page=x`)).status, 400);
  const pipe = new DefaultValuePipe(7);
  assert.equal(pipe.transform(NaN), 7);
  assert.equal(pipe.transform(null), 7);
  assert.equal(pipe.transform(0), 0);
  assert.equal(pipe.transform(''), '');
});

test('ParseArrayPipe: splits and converts items, reports the failing index, honours separator and optional', async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/p/array?ids=1,2,3`)).body, { ids: [1, 2, 3] });
  assert.deepEqual((await call(`${url}/p/array?ids=1&ids=2`)).body, { ids: [1, 2] });
  assert.equal((await call(`${url}/p/array?ids=1,x`)).text, bad('[1] item must be a number'));
  assert.equal((await call(`${url}/p/array`)).text, bad('Validation failed (parsable array expected)'));
  assert.deepEqual((await call(`${url}/p/array-plain?ids=a,b`)).body, { ids: ['a', 'b'] });
  assert.deepEqual((await call(`${url}/p/array-pipe?ids=1|a|true`)).body, { ids: ['1', 'a', 'true'] });
  assert.deepEqual((await call(`${url}/p/array-bool?flags=true,false`)).body, { flags: [true, false] });
  assert.equal((await call(`${url}/p/array-bool?flags=true,maybe`)).text, bad('[1] item must be a boolean value'));
  assert.deepEqual((await call(`${url}/p/array-optional`)).body, { ids: 'none' });
  const all = await call(`${url}/p/array-all?ids=1,x,2,y`);
  assert.equal(all.status, 400);
  assert.deepEqual(all.body.message, ['[1] item must be a number', '[3] item must be a number']);
});

test('ParseArrayPipe with a class validates each item with class-validator and gives instances', async (t) => {
  const { url, close } = await startApp({ controllers: [ParseController] });
  t.after(close);
  const post = (path: string, body: unknown) =>
    call(`${url}/p/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.deepEqual((await post('array-tags', [{ name: 'ada' }, { name: 'bob' }])).body, { shouted: ['ADA', 'BOB'] });
  const invalid = await post('array-tags', [{ name: 'ada' }, { name: 'b' }]);
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body, { message: ['name must be longer than or equal to 2 characters'], error: 'Bad Request', statusCode: 400 });
  const notArray = await post('array-tags', { name: 'ada' });
  assert.equal(notArray.text, bad('Validation failed (parsable array expected)'));
  const all = await post('array-tags-all', [{ name: 'x' }, { name: 'ok' }, { name: 5 }]);
  assert.equal(all.status, 400);
  assert.deepEqual(all.body.message, [
    '[0] name must be longer than or equal to 2 characters',
    '[2] name must be longer than or equal to 2 characters',
    '[2] name must be a string',
  ]);
});

test('the pipes can be used directly, as in NestJS unit tests', async () => {
  assert.equal(await new ParseIntPipe().transform('42'), 42);
  await assert.rejects(new ParseIntPipe().transform('4x2'), { name: 'BadRequestException', message: 'Validation failed (numeric string is expected)' });
  assert.equal(await new ParseFloatPipe().transform('0.25'), 0.25);
  assert.equal(await new ParseBoolPipe().transform(true), true);
  await assert.rejects(new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.NOT_FOUND }).transform('x'), { name: 'NotFoundException' });
  assert.deepEqual(await new ParseArrayPipe().transform([1, 2]), [1, 2]);
});
