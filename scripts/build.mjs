// Builds the package twice, in parallel, from the same sources:
//   dist/      ESM (tsconfig.json: NodeNext), the package's "import" condition;
//   dist/cjs/  CommonJS (tsconfig.cjs.json), the "require" condition, under a
//              {"type":"commonjs"} package.json so Node and TypeScript read its
//              .js and .d.ts files as CommonJS.
// The CommonJS build uses "module": "CommonJS" (not NodeNext) so that a lazy
// `await import('pkg')` of an optional peer becomes a require(): jest's CJS
// runtime cannot run a real import() without --experimental-vm-modules.
import { rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/package.json').replace(/package\.json$/, 'bin/tsc');

function compile(project) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

rmSync('dist', { recursive: true, force: true });
const codes = await Promise.all([compile('tsconfig.json'), compile('tsconfig.cjs.json')]);
if (codes.some((code) => code !== 0)) process.exit(1);
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
