// The names each entry point of the package exports, pinned in a committed
// snapshot so that a change to what an app can import is a deliberate edit,
// seen in review, never a side effect of an `export *` or a new helper.
//
//   node scripts/public-surface.mjs
//       Compares the built package (run `npm run build` first) with the
//       snapshot, prints each name added or gone, exits 1 if there is any.
//
//   node scripts/public-surface.mjs --snapshot
//       Rewrites the snapshot from the build: do it when the change is meant.
//
// test/core/public-surface.test.ts runs the same comparison under `npm test`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, compareNames, declaredExports } from './nest-exports.mjs';

export const SNAPSHOT_PATH = 'test/core/fixtures/public-surface.json';

/** `streamnest`, `streamnest/testing`, …: every entry point package.json's `exports` declares, but its package.json. */
export function entryPoints(root = ROOT) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key) => ({ specifier: pkg.name + key.slice(1), code: pkg.exports[key].import.default, types: pkg.exports[key].import.types }));
}

/**
 * { 'streamnest': { values, types }, … } from the ES module build: `values`
 * are what importing it gives at run time, `types` the names its declaration
 * file adds (interfaces, type aliases), each sorted as the docs sort names.
 */
export async function publicSurface(root = ROOT) {
  const surface = {};
  for (const entry of entryPoints(root)) {
    // A default export counts: `import CORS from 'streamnest/cors'` is surface too.
    const values = Object.keys(await import(pathToFileURL(join(root, entry.code)).href));
    const types = [...declaredExports(join(root, entry.types))].filter((name) => !values.includes(name));
    surface[entry.specifier] = { values: values.sort(compareNames), types: types.sort(compareNames) };
  }
  return surface;
}

export function readSnapshot(root = ROOT) {
  return JSON.parse(readFileSync(join(root, SNAPSHOT_PATH), 'utf8')).entryPoints;
}

/** Every difference between two surfaces, as `+ streamnest foo (value)` for a name added and `- …` for one gone. */
export function differences(pinned, built) {
  const found = [];
  for (const specifier of new Set([...Object.keys(pinned), ...Object.keys(built)])) {
    for (const kind of ['values', 'types']) {
      const before = new Set(pinned[specifier]?.[kind] ?? []);
      const after = new Set(built[specifier]?.[kind] ?? []);
      const label = kind === 'values' ? 'value' : 'type';
      for (const name of after) if (!before.has(name)) found.push(`+ ${specifier} ${name} (${label})`);
      for (const name of before) if (!after.has(name)) found.push(`- ${specifier} ${name} (${label})`);
    }
  }
  return found;
}

export async function run(argv = process.argv.slice(2), root = ROOT) {
  const built = await publicSurface(root);
  if (argv.includes('--snapshot')) {
    const about =
      'The names each entry point of streamnest exports. Written by `node scripts/public-surface.mjs --snapshot`; read by test/core/public-surface.test.ts.';
    writeFileSync(join(root, SNAPSHOT_PATH), `${JSON.stringify({ about, entryPoints: built }, null, 2)}\n`);
    console.log(`wrote ${SNAPSHOT_PATH}`);
    return 0;
  }
  const found = differences(readSnapshot(root), built);
  for (const line of found) console.log(line);
  console.log(found.length ? `FAIL: ${found.length} differences from ${SNAPSHOT_PATH}` : 'ok');
  return found.length ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error.message);
      process.exitCode = 2;
    },
  );
}
