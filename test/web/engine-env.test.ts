// STREAMNEST_ENGINE picks the server when the app's options name none: the option wins,
// and a value that is not an engine stops create() with a message naming the variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Module, NestFactory } from 'streamnest';

@Controller('')
class PingController {
  @Get('/ping')
  ping() {
    return { pong: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

function withEngineEnv(value: string | undefined): () => void {
  const before = process.env.STREAMNEST_ENGINE;
  if (value === undefined) delete process.env.STREAMNEST_ENGINE;
  else process.env.STREAMNEST_ENGINE = value;
  return () => {
    if (before === undefined) delete process.env.STREAMNEST_ENGINE;
    else process.env.STREAMNEST_ENGINE = before;
  };
}

test('STREAMNEST_ENGINE=web without an engine option is the web engine: refused on Node, which has none', async (t) => {
  t.after(withEngineEnv('web'));
  const app = await NestFactory.create(PingModule, { logger: false });
  t.after(() => app.close());
  await assert.rejects(app.listen(0, '127.0.0.1'), { code: 'SN_ERR_ENGINE_UNAVAILABLE' });
});

test("the engine option wins over STREAMNEST_ENGINE; an empty value is unset ('auto')", async (t) => {
  t.after(withEngineEnv('web'));
  const app = await NestFactory.create(PingModule, { logger: false, engine: 'node' });
  t.after(() => app.close());
  await app.listen(0, '127.0.0.1');
  assert.deepEqual(await (await fetch(`${app.getUrl()}/ping`)).json(), { pong: true });
  process.env.STREAMNEST_ENGINE = '';
  const auto = await NestFactory.create(PingModule, { logger: false });
  t.after(() => auto.close());
  await auto.listen(0, '127.0.0.1');
  assert.deepEqual(await (await fetch(`${auto.getUrl()}/ping`)).json(), { pong: true });
});

test('a STREAMNEST_ENGINE that is not an engine stops create() with SN_ERR_INVALID_ARGUMENT naming the variable', async (t) => {
  t.after(withEngineEnv('fast'));
  await assert.rejects(NestFactory.create(PingModule, { logger: false }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'SN_ERR_INVALID_ARGUMENT');
    assert.match(error.message, /STREAMNEST_ENGINE: engine must be 'auto', 'node' or 'web', got "?fast"?/);
    return true;
  });
});
