// rxjs is an optional peer, loaded only when some route has an interceptor:
// an app without interceptors never pays for it. The CommonJS build shows
// what was loaded in require.cache, so the check runs there, in a fresh process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

const script = `
const { Controller, Get, Module, NestFactory, UseInterceptors } = require('streamnest');
const loaded = () => Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]rxjs[\\\\/]/.test(file));
function route(target, key) { Get(key)(target.prototype, key, Object.getOwnPropertyDescriptor(target.prototype, key)); }
class Plain { hello() { return 'hi'; } }
route(Plain, 'hello'); Controller('plain')(Plain);
class Intercepted { hello() { return 'hi'; } }
route(Intercepted, 'hello'); UseInterceptors({ intercept: (_c, next) => next.handle() })(Intercepted); Controller('intercepted')(Intercepted);
class PlainModule {} Module({ controllers: [Plain] })(PlainModule);
class InterceptedModule {} Module({ controllers: [Intercepted] })(InterceptedModule);
(async () => {
  const plain = await NestFactory.create(PlainModule, { logger: false });
  await plain.init();
  const afterPlain = loaded();
  const intercepted = await NestFactory.create(InterceptedModule, { logger: false });
  await intercepted.init();
  console.log(JSON.stringify({ afterPlain, afterInterceptor: loaded() }));
  await plain.close(); await intercepted.close();
})();
`;

test('rxjs is loaded only once a route has an interceptor', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: repo });
  assert.deepEqual(JSON.parse(stdout), { afterPlain: false, afterInterceptor: true });
});
