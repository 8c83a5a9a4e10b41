// The client's types, checked by the compiler: test/types/client is a project of
// its own whose @ts-expect-error lines (a wrong event name, a wrong use of an
// event's data…) must each be an error, and everything else must compile, in a
// browser project (DOM, no Node types) and in a Node one (no DOM), with
// TypeScript 7 and 5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function tsc(compiler: string, project: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', compiler, 'bin/tsc'), '-p', join(root, 'test/types/client', project)], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

for (const compiler of ['typescript', 'typescript5']) {
  for (const project of ['tsconfig.json', 'tsconfig.node.json']) {
    test(`client types (${compiler}, ${project}): every @ts-expect-error is an error, and the rest compiles`, async () => {
      const { code, output } = await tsc(compiler, project);
      assert.equal(code, 0, output);
    });
  }
}
