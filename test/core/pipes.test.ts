import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IsInt, IsOptional, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Injectable,
  Param,
  ParseIntPipe,
  Post,
  Query,
  UsePipes,
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

@Injectable()
class UpperPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown) {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

class RecordPipe implements PipeTransform {
  readonly seen: ArgumentMetadata[] = [];
  transform(value: unknown, metadata: ArgumentMetadata) {
    this.seen.push(metadata);
    return value;
  }
}

class AsyncTrimPipe implements PipeTransform {
  async transform(value: unknown) {
    await new Promise((r) => setImmediate(r));
    return typeof value === 'string' ? value.trim() : value;
  }
}

class Address {
  @IsString() city!: string;
}

class CreateUserDto {
  @IsString() @MinLength(2) name!: string;
  @IsInt() @Min(0) age!: number;
  @IsOptional() @ValidateNested() @Type(() => Address) address?: Address;
  describe() {
    return `${this.name} (${this.age})`;
  }
}

const recorder = new RecordPipe();

@Controller('pipes')
class PipesController {
  @Get('int/:id') int(@Param('id', ParseIntPipe) id: number) {
    return { id, type: typeof id };
  }
  @Get('upper') upper(@Query('q', UpperPipe, new AsyncTrimPipe()) q: string) {
    return { q };
  }
  @Get('meta/:id') meta(@Param('id', recorder) id: string, @Query('x', recorder) x: string) {
    return [id, x];
  }
  @Get('throws') throws(
    @Query('q', {
      transform() {
        throw new Error('pipe bug with secret detail');
      },
    })
    q: string,
  ) {
    return q;
  }

  @Post('users') create(@Body(new ValidationPipe()) dto: CreateUserDto) {
    return { dto, isInstance: dto instanceof CreateUserDto };
  }
  @Post('users/transform') transform(@Body(new ValidationPipe({ transform: true })) dto: CreateUserDto) {
    return { described: dto.describe() };
  }
  @Post('users/whitelist') whitelist(@Body(new ValidationPipe({ whitelist: true })) dto: CreateUserDto) {
    return dto;
  }
  @Post('users/forbid') forbid(@Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) dto: CreateUserDto) {
    return dto;
  }
}

@Controller('method-pipes')
@UsePipes(UpperPipe)
class MethodPipesController {
  @Get(':a') both(@Param('a') a: string, @Query('b') b: string) {
    return [a, b];
  }
}

test('ParseIntPipe turns digits into a number and answers NestJS\'s 400 on "abc"', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/pipes/int/42`)).body, { id: 42, type: 'number' });
  assert.deepEqual((await call(`${url}/pipes/int/-7`)).body, { id: -7, type: 'number' });
  const bad = await call(`${url}/pipes/int/abc`);
  assert.equal(bad.status, 400);
  assert.equal(bad.text, JSON.stringify({ message: 'Validation failed (numeric string is expected)', error: 'Bad Request', statusCode: 400 }));
  assert.equal((await call(`${url}/pipes/int/1.5`)).status, 400);
  assert.equal((await call(`${url}/pipes/int/%201`)).status, 400);
});

test('custom pipes (class, instance, async) run in order on the value', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/pipes/upper?q=%20hi%20`)).body, { q: 'HI' });
});

test('a pipe sees the parameter type, the declared type and the name', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  recorder.seen.length = 0;
  assert.deepEqual((await call(`${url}/pipes/meta/5?x=y`)).body, ['5', 'y']);
  assert.deepEqual(recorder.seen, [
    { type: 'param', metatype: String, data: 'id' },
    { type: 'query', metatype: String, data: 'x' },
  ]);
});

test('@UsePipes on a class applies to every param; useGlobalPipes to every route', async (t) => {
  const { url, close } = await startApp({ controllers: [MethodPipesController, PipesController] }, (app) => {
    app.useGlobalPipes(new AsyncTrimPipe());
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/method-pipes/x?b=y`)).body, ['X', 'Y']);
  assert.deepEqual((await call(`${url}/pipes/meta/5?x=%20padded%20`)).body, ['5', 'padded']);
});

test('a pipe that throws a plain error is a 500 without the detail, and the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  const res = await call(`${url}/pipes/throws?q=1`);
  assert.equal(res.status, 500);
  assert.doesNotMatch(res.text, /secret/);
  assert.equal((await call(`${url}/pipes/int/1`)).status, 200);
});

test('ValidationPipe: a valid body passes as it came; an invalid one is a 400 listing every failure', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ok = await call(`${url}/pipes/users`, json({ name: 'Ada', age: 36 }));
  assert.equal(ok.status, 201);
  assert.deepEqual(ok.body, { dto: { name: 'Ada', age: 36 }, isInstance: false });
  const bad = await call(`${url}/pipes/users`, json({ name: 'A', age: -1 }));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'Bad Request');
  assert.ok(Array.isArray(bad.body.message));
  assert.ok(
    bad.body.message.some((m: string) => /name must be longer than or equal to 2/.test(m)),
    bad.text,
  );
  assert.ok(
    bad.body.message.some((m: string) => /age must not be less than 0/.test(m)),
    bad.text,
  );
  const notObject = await call(`${url}/pipes/users`, json('a string'));
  assert.equal(notObject.status, 400);
});

test('ValidationPipe reports nested failures with their path', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  const bad = await call(`${url}/pipes/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada', age: 1, address: { city: 5 } }),
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.message, ['address.city must be a string']);
});

test('ValidationPipe transform: true gives the class instance', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  const res = await call(`${url}/pipes/users/transform`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada', age: 36 }),
  });
  assert.deepEqual(res.body, { described: 'Ada (36)' });
});

test('ValidationPipe whitelist strips undecorated properties; forbidNonWhitelisted refuses them', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] });
  t.after(close);
  const body = JSON.stringify({ name: 'Ada', age: 36, isAdmin: true });
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
  const stripped = await call(`${url}/pipes/users/whitelist`, init);
  assert.equal(stripped.status, 201);
  assert.deepEqual(stripped.body, { name: 'Ada', age: 36 });
  const refused = await call(`${url}/pipes/users/forbid`, init);
  assert.equal(refused.status, 400);
  assert.match(JSON.stringify(refused.body.message), /property isAdmin should not exist/);
});

test('a global ValidationPipe validates DTO bodies and leaves primitives alone', async (t) => {
  const { url, close } = await startApp({ controllers: [PipesController] }, (app) => {
    app.useGlobalPipes(new ValidationPipe());
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/pipes/int/3`)).body, { id: 3, type: 'number' });
  assert.equal((await call(`${url}/pipes/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 400);
});

test('a pipe may throw an HttpException of its own', async (t) => {
  class RejectAll implements PipeTransform {
    transform() {
      throw new BadRequestException('nope');
    }
  }
  @Controller('r')
  class R {
    @Get() r(@Query('x', RejectAll) x: string) {
      return x;
    }
  }
  const { url, close } = await startApp({ controllers: [R] });
  t.after(close);
  assert.deepEqual((await call(`${url}/r`)).body, { statusCode: 400, message: 'nope', error: 'Bad Request' });
});
