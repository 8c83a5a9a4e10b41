// NestJS compatibility, proved on the published package as users get it:
// `npm pack` the build, unpack it into .nest-compat/node_modules/streamnest
// (a gitignored work dir inside the repo, so jest, ts-jest, supertest, rxjs…
// resolve from the repo's node_modules by walking up, while `streamnest` is
// the packed copy), copy the fixture apps of test/nest-compat/apps/ beside it,
// and for each app:
//   - type-check it with TypeScript 7 and 5.9, strict, without skipLibCheck;
//   - run its jest specs (ts-jest, supertest), as @nestjs/cli lays them out,
//     and check jest's own counts (--json).
// Plus the README quickstart, in a fresh project outside the repo that has
// only what `npm install streamnest` brings, with the README's tsconfig.
//
// ts-jest supports TypeScript < 7 and loads the package named `typescript`,
// which in this repo is 7. The work dir is the apps' "project": its
// node_modules has its own ts-jest (a copy, so that it resolves from there)
// and `typescript` pointing at the repo's TypeScript 5.9, as in a NestJS
// project on TypeScript 5.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const work = join(repo, '.nest-compat');
const apps = join(repo, 'test/nest-compat/apps');
const bin = {
  tsc7: join(repo, 'node_modules/typescript/bin/tsc'),
  tsc5: join(repo, 'node_modules/typescript5/bin/tsc'),
  jest: join(repo, 'node_modules/jest/bin/jest.js'),
  vitest: join(repo, 'node_modules/vitest/vitest.mjs'),
};

interface Fixture {
  /** Folder under test/nest-compat/apps. */
  name: string;
  /** Node flags for jest (ESM needs the VM modules). */
  nodeFlags: string[];
  /** jest's projects: the package.json config, and NestJS's e2e config. */
  projects: string[];
  /** Run with vitest (and SWC, as NestJS's samples now do) on these configs, instead of jest. */
  vitest?: string[];
  /** How many tests jest must report passed: one number per spec file. */
  expected: Record<string, number>;
}

const fixtures: Fixture[] = [
  {
    // "module": "commonjs", as NestJS projects long were; ts-jest type-checks as it compiles.
    name: 'cats',
    nodeFlags: [],
    projects: ['.', 'test/jest-e2e.json'],
    expected: {
      'src/app.controller.spec.ts': 1,
      'src/cats/cats.controller.spec.ts': 2,
      'src/cats/cats.service.spec.ts': 2,
      'test/app.e2e-spec.ts': 2,
      'test/cats.e2e-spec.ts': 6,
    },
  },
  {
    // Every item of the port, in one CommonJS app: DI scopes, forwardRef, APP_* enhancers, module middleware,
    // versioning, ConfigurableModuleBuilder, rxjs interceptors, serializer, Express-style res, SSE, overrides.
    name: 'showcase',
    nodeFlags: [],
    projects: ['.', 'test/jest-e2e.json'],
    expected: {
      'src/app.context.spec.ts': 1,
      'src/cats/cats.controller.spec.ts': 3,
      'test/app.e2e-spec.ts': 14,
      'test/overrides.e2e-spec.ts': 4,
    },
  },
  {
    // `nest new` today: "module": "nodenext" in a CommonJS package, isolatedModules.
    name: 'starter',
    nodeFlags: [],
    projects: ['.', 'test/jest-e2e.json'],
    expected: { 'src/app.controller.spec.ts': 1, 'test/app.e2e-spec.ts': 1 },
  },
  {
    // NestJS's samples today: ESM with .js imports, vitest with unplugin-swc (SWC emits the decorator
    // metadata), a unit config and an e2e config.
    name: 'vitest-esm',
    nodeFlags: [],
    projects: [],
    vitest: ['vitest.config.mts', 'vitest.config.e2e.mts'],
    expected: { 'src/id-generator/id-generator.module.spec.ts': 1, 'src/users/users.controller.spec.ts': 1, 'e2e/app.e2e-spec.ts': 2 },
  },
  {
    // An ESM project: "type": "module", ts-jest's ESM preset, jest with VM modules.
    name: 'esm',
    nodeFlags: ['--experimental-vm-modules'],
    projects: ['.'],
    expected: { 'src/greetings/greetings.controller.spec.ts': 1, 'test/app.e2e-spec.ts': 2 },
  },
];

interface Outcome {
  code: number | null;
  output: string;
  stdout: string;
  seconds: number;
}

// A small pool: the jobs are CPU-heavy and other test files run beside this one.
const slots = Math.max(2, Math.min(4, availableParallelism()));
let running = 0;
const waiting: Array<() => void> = [];
const children = new Set<ReturnType<typeof spawn>>();

// A job that hangs (a jest that never exits) is killed, and its output shown, before the
// runner's 120 s limit on the whole file.
async function run(command: string[], cwd: string, timeoutMs = 100_000): Promise<Outcome> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  const started = performance.now();
  try {
    return await new Promise<Outcome>((resolve) => {
      const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
      children.add(child);
      let output = '';
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      const timer = setTimeout(() => {
        output += `\n[killed after ${timeoutMs} ms]`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        children.delete(child);
        resolve({ code, output, stdout, seconds: (performance.now() - started) / 1000 });
      });
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const node = (...args: string[]) => [process.execPath, ...args];
const tail = (text: string, lines = 150) => text.trimEnd().split('\n').slice(-lines).join('\n');

function assertTypeChecks(outcome: Outcome, what: string) {
  assert.equal(outcome.code, 0, `${what} does not type-check:\n${tail(outcome.output)}`);
}

const jobs = new Map<string, Promise<Outcome>>();
let readmeDir: string | undefined;

before(async () => {
  for (const entry of ['dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts']) {
    assert.ok(existsSync(join(repo, entry)), `${entry} is missing: run \`npm run build\` first`);
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'node_modules/streamnest'), { recursive: true });
  writeFileSync(join(work, 'package.json'), '{ "name": "nest-compat-work", "private": true }\n');

  const packed = await run(['npm', 'pack', '--json', '--pack-destination', work], repo);
  assert.equal(packed.code, 0, `npm pack failed:\n${packed.output}`);
  const tarball = join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  const unpacked = await run(['tar', '-xzf', tarball, '-C', join(work, 'node_modules/streamnest'), '--strip-components=1'], work);
  assert.equal(unpacked.code, 0, unpacked.output);

  cpSync(join(repo, 'node_modules/ts-jest'), join(work, 'node_modules/ts-jest'), { recursive: true });
  symlinkSync(join(repo, 'node_modules/typescript5'), join(work, 'node_modules/typescript'), 'dir');

  for (const fixture of fixtures) cpSync(join(apps, fixture.name), join(work, fixture.name), { recursive: true });

  // Longest first, so that the pool's slots end together. TypeScript 5.9 checks every fixture in one
  // build (-b shares the parsed libraries: a third less CPU than one tsc each); TypeScript 7 is quick.
  jobs.set('tsc5', run(node(bin.tsc5, '-b', ...fixtures.map((f) => f.name), '--noEmit'), work));
  for (const fixture of fixtures) {
    jobs.set(
      `${fixture.name}:tests`,
      fixture.vitest
        ? runVitest(fixture)
        : run(
            node(...fixture.nodeFlags, bin.jest, '--ci', '--runInBand', '--json', `--outputFile=${reportOf(fixture, 0)}`, '--projects', ...fixture.projects),
            join(work, fixture.name),
          ),
    );
    if (fixture === fixtures[0]) {
      readmeDir = mkdtempSync(join(tmpdir(), 'streamnest-readme-'));
      jobs.set('readme', prepareReadmeProject(readmeDir, tarball));
    }
  }
  for (const fixture of fixtures) {
    jobs.set(`${fixture.name}:tsc7`, run(node(bin.tsc7, '-p', fixture.name, '--noEmit', '--singleThreaded'), work));
  }
});

after(() => {
  for (const child of children) child.kill('SIGKILL');
  if (readmeDir) rmSync(readmeDir, { recursive: true, force: true });
});

for (const fixture of fixtures) {
  test(`${fixture.name}: type-checks with TypeScript 7 and 5.9 (strict, no skipLibCheck)`, async () => {
    const tsconfig = JSON.parse(readFileSync(join(apps, fixture.name, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    assert.equal(tsconfig.compilerOptions.strict, true);
    assert.equal(tsconfig.compilerOptions.skipLibCheck, undefined);
    assertTypeChecks(await jobs.get(`${fixture.name}:tsc7`)!, `${fixture.name} with TypeScript 7`);
    const tsc5 = await jobs.get('tsc5')!;
    const mine = tsc5.output.split('\n').filter((line) => line.startsWith(`${fixture.name}/`));
    assert.deepEqual(mine, [], `${fixture.name} with TypeScript 5.9 does not type-check:\n${tail(tsc5.output)}`);
    assertTypeChecks(tsc5, 'the fixtures with TypeScript 5.9');
  });

  test(`${fixture.name}: its ${fixture.vitest ? 'vitest' : 'jest'} specs pass (${fixture.vitest || fixture.nodeFlags.length ? 'ESM' : 'CommonJS'})`, async () => {
    const outcome = await jobs.get(`${fixture.name}:tests`)!;
    const reportFiles = (fixture.vitest ?? ['jest']).map((_, i) => reportOf(fixture, i));
    for (const file of reportFiles) assert.ok(existsSync(file), `no report at ${file} (exit ${outcome.code}):\n${tail(outcome.output)}`);
    // jest's --json and vitest's json reporter write the same shape.
    const reports = reportFiles.map(
      (file) =>
        JSON.parse(readFileSync(file, 'utf8')) as {
          numPassedTests: number;
          numFailedTests: number;
          numPendingTests: number;
          testResults: Array<{ name: string; status: string; assertionResults: Array<{ status: string }> }>;
        },
    );
    const report = {
      numPassedTests: reports.reduce((sum, r) => sum + r.numPassedTests, 0),
      numFailedTests: reports.reduce((sum, r) => sum + r.numFailedTests, 0),
      numPendingTests: reports.reduce((sum, r) => sum + r.numPendingTests, 0),
      testResults: reports.flatMap((r) => r.testResults),
    };
    const dir = `${join(work, fixture.name)}/`;
    const passed = Object.fromEntries(
      report.testResults.map((file) => [file.name.replace(dir, ''), file.assertionResults.filter((a) => a.status === 'passed').length]),
    );
    const expectedTotal = Object.values(fixture.expected).reduce((a, b) => a + b, 0);
    const failure = `${fixture.vitest ? 'vitest' : 'jest'} (exit ${outcome.code}, ${outcome.seconds.toFixed(1)} s):\n${tail(outcome.output)}`;
    assert.deepEqual(passed, fixture.expected, failure);
    assert.equal(report.numPassedTests, expectedTotal, failure);
    assert.equal(report.numFailedTests + report.numPendingTests, 0, failure);
    assert.equal(outcome.code, 0, failure);
  });
}

test('README quickstart: compiles in a fresh project with the README tsconfig, and with an old NestJS sample tsconfig, TypeScript 7 and 5.9', async (t) => {
  const outcome = await jobs.get('readme')!;
  assert.equal(outcome.code, 0, outcome.output);
  const timings = await Promise.all([...jobs].map(async ([name, job]) => `${name} ${(await job).seconds.toFixed(1)} s`));
  t.diagnostic(`jobs (${slots} at a time): ${timings.join(', ')}`);
});

function reportOf(fixture: Fixture, index: number): string {
  return join(work, `${fixture.name}.${index}.report.json`);
}

/** vitest once per config, one after the other (each a report of its own); one outcome for them all. */
async function runVitest(fixture: Fixture): Promise<Outcome> {
  const outcomes: Outcome[] = [];
  for (const [i, config] of fixture.vitest!.entries()) {
    outcomes.push(await run(node(bin.vitest, 'run', '--config', config, '--reporter=json', `--outputFile=${reportOf(fixture, i)}`), join(work, fixture.name)));
  }
  return {
    code: outcomes.find((o) => o.code !== 0)?.code ?? 0,
    output: outcomes.map((o) => o.output).join('\n'),
    stdout: outcomes.map((o) => o.stdout).join('\n'),
    seconds: outcomes.reduce((sum, o) => sum + o.seconds, 0),
  };
}

/** A fresh project as the README says: `npm install streamnest`, its tsconfig, its main.ts; then both compilers. */
async function prepareReadmeProject(dir: string, tarball: string): Promise<Outcome> {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf('## Quickstart');
  const quickstart = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const jsonBlocks = [...quickstart.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const tsconfig = jsonBlocks.find((block) => block.includes('"compilerOptions"'));
  const packageJson = jsonBlocks.find((block) => block.includes('"type": "module"'));
  const main = /```ts\n(\/\/ main\.ts\n[\s\S]*?)```/.exec(quickstart)?.[1];
  if (!tsconfig || !main || !packageJson)
    return { code: 1, output: 'README Quickstart: no package.json, tsconfig.json or main.ts block found', stdout: '', seconds: 0 };
  writeFileSync(join(dir, 'package.json'), packageJson);
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig);
  writeFileSync(join(dir, 'main.ts'), main);
  // The other subpaths whose types need no optional peer, to prove their types too.
  writeFileSync(
    join(dir, 'subpaths.ts'),
    [
      "export { Test } from 'streamnest/testing';",
      "export type { CorsOptions } from 'streamnest/cors';",
      "export { encodeEvent, type SseTransport } from 'streamnest/sse-protocol';",
      "export { CookiesModule, type CookieParserOptions } from 'streamnest/cookies';",
      "export type { JwtModuleOptions, JwtSignOptions } from 'streamnest/jwt';",
      "export { SseDashboardModule, type SseDashboardOptions } from 'streamnest/dashboard';",
      // prom-client is not installed here: its types in streamnest/metrics are marked optional, so they compile as `any`.
      "export { SseMetricsModule, type SseMetricsOptions } from 'streamnest/metrics';",
      '',
    ].join('\n'),
  );

  const install = await run(['npm', 'install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], dir);
  if (install.code !== 0) return { ...install, output: `npm install of the packed streamnest failed:\n${install.output}` };
  const found = readdirSync(join(dir, 'node_modules'));
  if (!found.includes('streamnest')) return { code: 1, output: `npm install left no node_modules/streamnest: ${found.join(' ')}`, stdout: '', seconds: 0 };
  // And as NestJS's older samples configure it: CommonJS without esModuleInterop or allowSyntheticDefaultImports,
  // and no types named: a default import of a Node module in a declaration file would fail there.
  mkdirSync(join(dir, 'legacy'));
  writeFileSync(
    join(dir, 'legacy/tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'commonjs', target: 'es2017', strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, types: [] },
      files: ['legacy.ts'],
    }),
  );
  writeFileSync(
    join(dir, 'legacy/legacy.ts'),
    [
      "import { Controller, Get, Module, NestFactory, INestApplication } from 'streamnest';",
      "import { Test } from 'streamnest/testing';",
      "import { CORS } from 'streamnest/cors';",
      "import { encodeEvent } from 'streamnest/sse-protocol';",
      "@Controller() class AppController { @Get() hello() { return 'Hello World!'; } }",
      '@Module({ controllers: [AppController] }) class AppModule {}',
      'export async function start(): Promise<INestApplication> { return NestFactory.create(AppModule); }',
      'export const used = [Test, CORS, encodeEvent];',
    ].join('\n'),
  );
  const results = await Promise.all([
    run(node(bin.tsc7, '-p', dir, '--noEmit', '--singleThreaded'), dir),
    run(node(bin.tsc5, '-p', dir, '--noEmit'), dir),
    run(node(bin.tsc7, '-p', join(dir, 'legacy'), '--noEmit', '--singleThreaded'), dir),
    run(node(bin.tsc5, '-p', join(dir, 'legacy'), '--noEmit'), dir),
  ]);
  const names = ['TypeScript 7', 'TypeScript 5.9', 'TypeScript 7, legacy tsconfig', 'TypeScript 5.9, legacy tsconfig'];
  const failed = results.flatMap((result, i) => (result.code === 0 ? [] : [`${names[i]}:\n${tail(result.output)}`]));
  return { code: failed.length ? 1 : 0, output: failed.join('\n'), stdout: '', seconds: results.reduce((sum, r) => Math.max(sum, r.seconds), install.seconds) };
}
