// Builds the package twice, in parallel, from the same sources:
//   dist/      ESM (tsconfig.json: NodeNext), the package's "import" condition;
//   dist/cjs/  CommonJS (tsconfig.cjs.json), the "require" condition, under a
//              {"type":"commonjs"} package.json so Node and TypeScript read its
//              .js and .d.ts files as CommonJS.
// The CommonJS build uses "module": "CommonJS" (not NodeNext) so that a lazy
// `await import('pkg')` of an optional peer becomes a require(): jest's CJS
// runtime cannot run a real import() without --experimental-vm-modules.
//
// CommonJS has no `import.meta`, and tsc refuses it there. So the CommonJS build
// compiles a copy of src/ (in .cjs-src/, rewritten each build) in which
// `import.meta.url`, `.dirname` and `.filename` are spelled as CommonJS says
// them, as bundlers shim them; any other use of `import.meta` stops the build.
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url)
  .resolve('typescript/package.json')
  .replace(/package\.json$/, 'bin/tsc');
const CJS_SRC = '.cjs-src';

const SHIMS = [
  [/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href"],
  [/\bimport\.meta\.dirname\b/g, '__dirname'],
  [/\bimport\.meta\.filename\b/g, '__filename'],
];

function compile(project) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Copies src/ to .cjs-src/, with import.meta spelled for CommonJS. Returns the problems found. */
function prepareCommonJsSources() {
  rmSync(CJS_SRC, { recursive: true, force: true });
  cpSync('src', CJS_SRC, { recursive: true });
  const problems = [];
  for (const file of readdirSync(CJS_SRC, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const path = join(CJS_SRC, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes('import.meta')) continue;
    let shimmed = text;
    for (const [pattern, replacement] of SHIMS) shimmed = shimmed.replace(pattern, replacement);
    const left = shimmed.split('\n').findIndex((line) => /\bimport\.meta\b/.test(line));
    if (left !== -1) problems.push(`src/${file}:${left + 1}: the CommonJS build can stand in only for import.meta.url, .dirname and .filename`);
    writeFileSync(path, shimmed);
  }
  return problems;
}

rmSync('dist', { recursive: true, force: true });
const problems = prepareCommonJsSources();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const codes = await Promise.all([compile('tsconfig.json'), compile('tsconfig.cjs.json')]);
if (codes.some((code) => code !== 0)) process.exit(1);
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
