// The package is built twice: ESM in dist/ (the "import" condition) and
// CommonJS in dist/cjs/ (the "require" condition). Both must give every
// subpath with the same export names, and the CommonJS build must load
// optional peers with require(), since jest's CommonJS runtime cannot run a
// real import() without --experimental-vm-modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IsInt } from 'class-validator';

const require = createRequire(import.meta.url);
// The CommonJS build, decorators and all, as a CommonJS app would get it.
const cjs = require('streamnest') as typeof import('streamnest');
const { CORS } = require('streamnest/cors') as typeof import('streamnest/cors');
const { Body, Controller, Module, NestFactory, Post, ValidationPipe } = cjs;
const subpaths = [
  'streamnest',
  'streamnest/testing',
  'streamnest/cors',
  'streamnest/redis',
  'streamnest/sse-protocol',
  'streamnest/cache',
  'streamnest/schedule',
  'streamnest/views',
  'streamnest/upload',
  'streamnest/cookies',
  'streamnest/jwt',
  'streamnest/nats',
  'streamnest/client',
  'streamnest/metrics',
  'streamnest/dashboard',
];
const cjsRoot = join(fileURLToPath(new URL('../../../dist/cjs/', import.meta.url)));

for (const subpath of subpaths) {
  test(`import and require of ${subpath} give the same export names`, async () => {
    const esmFile = fileURLToPath(import.meta.resolve(subpath));
    const cjsFile = require.resolve(subpath);
    assert.ok(!esmFile.includes(`${sep}cjs${sep}`), `import resolved to ${esmFile}`);
    assert.ok(cjsFile.startsWith(cjsRoot), `require resolved to ${cjsFile}`);

    const esm = Object.keys(await import(subpath)).sort();
    const cjs = Object.keys(require(subpath) as object).sort();
    assert.ok(esm.length > 0);
    assert.deepEqual(cjs, esm);
  });
}

test('the CommonJS build is CommonJS and loads lazily with require(), never import()', () => {
  assert.deepEqual(JSON.parse(readFileSync(join(cjsRoot, 'package.json'), 'utf8')), { type: 'commonjs' });
  const files = readdirSync(cjsRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 10);
  for (const file of files) {
    const code = readFileSync(join(cjsRoot, file), 'utf8');
    assert.ok(code.startsWith('"use strict";'), `${file} is not CommonJS output`);
    assert.doesNotMatch(code, /(?<![\w.$])import\s*\(/, `${file} keeps a dynamic import()`);
    assert.doesNotMatch(code, /\bimport\.meta\b/, `${file} keeps import.meta`);
  }
});

test('a default import means the same in both builds: module.exports, never an undefined .default', () => {
  // Node's ESM gives `import x from 'cjs-package'` the whole module.exports; tsc's CommonJS
  // output gives `.default` instead when the package sets __esModule (content-type, cookie…),
  // which such packages leave undefined. Import those as `import * as x` or by name.
  const wrong: string[] = [];
  for (const file of readdirSync(cjsRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(cjsRoot, file), 'utf8');
    const requireHere = createRequire(join(cjsRoot, file));
    for (const [, name] of code.matchAll(/__importDefault\(require\("([^".][^"]*)"\)\)/g)) {
      let mod: { __esModule?: boolean; default?: unknown };
      try {
        mod = requireHere(name!);
      } catch {
        continue;
      } // an optional peer that is not installed
      if (mod.__esModule && mod.default === undefined) wrong.push(`src/${file.replace(/\.js$/, '.ts')}: import ${name}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('each build carries its own declarations, both referencing the node types', () => {
  for (const entry of [
    'index',
    'testing/index',
    'cors/index',
    'redis/index',
    'sse-protocol/index',
    'cache/index',
    'schedule/index',
    'views/index',
    'upload/index',
    'cookies/index',
    'jwt/index',
    'nats/index',
  ]) {
    for (const root of [join(cjsRoot, '..'), cjsRoot]) {
      const dts = readFileSync(join(root, `${entry}.d.ts`), 'utf8');
      assert.match(dts, /^\/\/\/ <reference types="node" preserve="true" \/>/, `${root}/${entry}.d.ts`);
    }
  }
  assert.doesNotMatch(readFileSync(join(cjsRoot, 'cors/index.d.ts'), 'utf8'), /from ['"]cors['"]/, 'the cors types must not need @types/cors');
  // The cache and schedule types name no ioredis type, so they compile without the optional peer.
  for (const file of ['common/redis-client.d.ts', 'cache/redis-store.d.ts', 'schedule/cron-locker.d.ts']) {
    assert.doesNotMatch(readFileSync(join(cjsRoot, file), 'utf8'), /from ['"]ioredis['"]/, file);
  }
  for (const file of ['upload/index.d.ts', 'upload/multipart-reader.d.ts', 'upload/upload-interceptor.d.ts']) {
    assert.doesNotMatch(readFileSync(join(cjsRoot, file), 'utf8'), /from ['"]busboy['"]/, 'the upload types must not need @types/busboy');
  }
  for (const file of readdirSync(join(cjsRoot, 'nats')).filter((f) => f.endsWith('.d.ts'))) {
    assert.doesNotMatch(readFileSync(join(cjsRoot, 'nats', file), 'utf8'), /['"]@nats-io\//, `nats/${file}: the nats types must not need the NATS packages`);
  }
  for (const file of readdirSync(join(cjsRoot, 'jwt')).filter((f) => f.endsWith('.d.ts'))) {
    assert.doesNotMatch(readFileSync(join(cjsRoot, 'jwt', file), 'utf8'), /['"]jsonwebtoken['"]/, `jwt/${file}: the jwt types must not need jsonwebtoken's`);
  }
});

class EchoDto {
  @IsInt()
  n!: number;
}

@Controller('')
class EchoController {
  @Post('echo')
  echo(@Body(new ValidationPipe()) body: EchoDto) {
    return body;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

test('the CommonJS build serves a request: JSON body, ValidationPipe (lazy class-validator), CORS', async () => {
  const app = await NestFactory.create(EchoModule, { logger: false });
  app.use(CORS());
  await app.listen(0, '127.0.0.1');
  try {
    const post = (body: unknown) =>
      fetch(`${app.getUrl()}/echo`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', origin: 'https://a.example' },
      });
    const ok = await post({ n: 1 });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await ok.json(), { n: 1 });
    const bad = await post({ n: 'one' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /n must be an integer/);
  } finally {
    await app.close();
  }
});
