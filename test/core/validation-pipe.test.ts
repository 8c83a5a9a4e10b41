import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IsInt, IsString, Min } from 'class-validator';
import { Body, Controller, Get, HttpException, Param, Post, Query, ValidationPipe, type ValidationError } from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

class CreateCatDto {
  @IsString() name!: string;
  @IsInt() @Min(0) age!: number;
}

@Controller('v')
class VController {
  @Get('n/:id') n(@Param('id') id: number, @Query('flag') flag: boolean) {
    return { id, idType: typeof id, flag, flagType: typeof flag };
  }
  @Post('cats') create(@Body() cat: CreateCatDto) {
    return { isDto: cat instanceof CreateCatDto, cat };
  }
}

const post = (url: string, body: unknown) => call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('ValidationPipe({ transform: true }) converts path and query values to their declared primitive types and returns DTO instances', async (t) => {
  const { url, close } = await startApp({ controllers: [VController] }, (app) => {
    app.useGlobalPipes(new ValidationPipe({ transform: true }));
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/v/n/7?flag=true`)).body, { id: 7, idType: 'number', flag: true, flagType: 'boolean' });
  assert.deepEqual((await post(`${url}/v/cats`, { name: 'Tom', age: 3 })).body, { isDto: true, cat: { name: 'Tom', age: 3 } });
});

test('ValidationPipe answers as NestJS: 400 with every message; a body that is not an object reports the rules it breaks', async (t) => {
  const { url, close } = await startApp({ controllers: [VController] }, (app) => {
    app.useGlobalPipes(new ValidationPipe());
  });
  t.after(close);
  const bad = await post(`${url}/v/cats`, { name: 5, age: -1 });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.message.sort(), ['age must not be less than 0', 'name must be a string'].sort());
  assert.equal(bad.body.statusCode, 400);
  const primitive = await post(`${url}/v/cats`, 'just a string');
  assert.equal(primitive.status, 400);
  assert.ok(primitive.body.message.includes('name must be a string'));
  assert.deepEqual((await call(`${url}/v/n/7`)).body.idType, 'string', 'without transform, values stay as they came');
});

test('ValidationPipe: errorHttpStatusCode, disableErrorMessages and exceptionFactory', async (t) => {
  const unprocessable = await startApp({ controllers: [VController] }, (app) => {
    app.useGlobalPipes(new ValidationPipe({ errorHttpStatusCode: 422 }));
  });
  t.after(unprocessable.close);
  const a = await post(`${unprocessable.url}/v/cats`, {});
  assert.equal(a.status, 422);
  assert.ok(Array.isArray(a.body.message));

  const quiet = await startApp({ controllers: [VController] }, (app) => {
    app.useGlobalPipes(new ValidationPipe({ disableErrorMessages: true }));
  });
  t.after(quiet.close);
  const b = await post(`${quiet.url}/v/cats`, {});
  assert.equal(b.status, 400);
  assert.equal(JSON.stringify(b.body).includes('must be'), false);

  const custom = await startApp({ controllers: [VController] }, (app) => {
    app.useGlobalPipes(
      new ValidationPipe({ exceptionFactory: (errors: ValidationError[]) => new HttpException({ fields: errors.map((e) => e.property).sort() }, 418) }),
    );
  });
  t.after(custom.close);
  const c = await post(`${custom.url}/v/cats`, {});
  assert.equal(c.status, 418);
  assert.deepEqual(c.body.fields, ['age', 'name']);
});
