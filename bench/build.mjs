// Compiles the servers with tsc (decorator metadata needs tsc, not esbuild/tsx).
// A type error in one server does not stop the others: tsc still emits, and the
// servers whose files have errors are listed in build/build-errors.json so the
// runner reports them as skipped with the first error.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

rmSync('build', { recursive: true, force: true });
const tsc = process.platform === 'win32' ? 'node_modules/.bin/tsc.cmd' : 'node_modules/.bin/tsc';
const r = spawnSync(tsc, ['-p', 'tsconfig.json'], { encoding: 'utf8' });
const out = `${r.stdout}${r.stderr}`;
const errors = {};
for (const line of out.split('\n')) {
  const m = /^servers\/([\w-]+)\.ts\(\d+,\d+\): error (.*)$/.exec(line.trim());
  if (m) (errors[m[1]] ??= []).push(m[2]);
}
mkdirSync('build', { recursive: true });
writeFileSync('build/build-errors.json', JSON.stringify(errors, null, 2));
for (const [file, errs] of Object.entries(errors))
  console.log(`build: servers/${file}.ts does not compile (${errs.length} errors), it will be skipped: ${errs[0]}`);
const shared = ['control', 'event-data', 'nest-app', 'hub-app', 'anchor-control', 'anchor-http', 'anchor-process'].filter((f) => errors[f]);
if (shared.length || (r.status !== 0 && Object.keys(errors).length === 0)) {
  console.error(out);
  process.exit(1);
}
