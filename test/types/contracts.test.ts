import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Event contracts at the type level: test/types/contracts/ is a project of its
 * own (its own tsconfig, no emit) where each `@ts-expect-error` line is a wrong
 * event name or payload, on a stream, a hub view or a handler. It must compile
 * with no error, with TypeScript 7 and with 5.9: any other error fails it, and
 * so does a `@ts-expect-error` that is no longer an error (TS2578), so a wrong
 * event that starts to compile is caught. It reads the built package's types.
 */

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const project = join(repo, 'test/types/contracts');
const compilers = {
  'TypeScript 7': join(repo, 'node_modules/typescript/bin/tsc'),
  'TypeScript 5.9': join(repo, 'node_modules/typescript5/bin/tsc'),
};

function typeCheck(tsc: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', project, '--noEmit', '--pretty', 'false'], { cwd: repo }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

test('the project holds wrong names and payloads, each marked @ts-expect-error', () => {
  const files = readdirSync(project).filter((name) => name.endsWith('.ts'));
  const expected = files.flatMap((name) => readFileSync(join(project, name), 'utf8').match(/\/\/ @ts-expect-error/g) ?? []);
  assert.ok(files.length >= 2, `only ${files.length} files in ${project}`);
  assert.ok(expected.length >= 25, `only ${expected.length} @ts-expect-error lines: has the project been emptied?`);
});

// Both compilers at once: the file takes as long as the slower one.
const checks = Object.entries(compilers).map(([name, tsc]) => [name, typeCheck(tsc)] as const);

for (const [name, check] of checks) {
  test(`wrong event names and payloads do not compile, and right ones do (${name})`, async () => {
    const { code, output } = await check;
    assert.equal(output.trim(), '', `tsc -p test/types/contracts reported:\n${output}`);
    assert.equal(code, 0);
  });
}
