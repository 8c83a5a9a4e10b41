// Checks docs/MIGRATING-FROM-NEST.md against NestJS's public names and against
// what streamnest exports.
//
//   node scripts/nest-exports.mjs
//       Reads the committed snapshot (test/core/fixtures/nest-exports.json), the
//       doc's table and the built package (run `npm run build` first), and prints:
//       Nest exports without a row, rows marked supported/different that
//       streamnest does not export, rows that name nothing Nest exports, and
//       malformed rows. Exits 1 if it printed any.
//
//   node scripts/nest-exports.mjs --snapshot [--nest-dir /tmp/nest]
//       Rewrites the snapshot from real @nestjs/common, @nestjs/core and
//       @nestjs/testing installed in --nest-dir, with the TypeScript 5.x
//       installed there (its compiler API lists every export and its kind).
//       Only this needs Nest; the check and the test read the snapshot.
//
//   node scripts/nest-exports.mjs --rows
//       As the check, and prints a table row to fill in for each missing name.
//
// test/core/nest-exports.test.ts runs the same checks under `npm test`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PACKAGES = ['@nestjs/common', '@nestjs/core', '@nestjs/testing'];
export const STATUSES = ['supported', 'different', 'later', 'not planned'];
/** Statuses that promise streamnest exports the name. */
const EXPORTED_STATUSES = new Set(['supported', 'different']);
/** Kinds of export that exist at run time (everything but `type`). */
const VALUE_KINDS = new Set(['class', 'enum', 'function', 'const', 'other']);

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SNAPSHOT_PATH = 'test/core/fixtures/nest-exports.json';
export const DOC_PATH = 'docs/MIGRATING-FROM-NEST.md';
/** streamnest's entry points whose exports stand in for Nest's three packages. */
const ENTRY_POINTS = ['.', './testing'];

/** The sort order of the doc's tables: alphabetical, ignoring case. */
export function compareNames(a, b) {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- the snapshot

/** { packages: { '@nestjs/common': { Name: kind, … }, … }, … } as committed. */
export function readSnapshot(root = ROOT) {
  return JSON.parse(readFileSync(join(root, SNAPSHOT_PATH), 'utf8'));
}

/** Every export of each Nest package and its kind, with the TypeScript API, as /work/nest-ref/list.cjs does. */
function snapshotFrom(nestDir) {
  const require = createRequire(join(resolve(nestDir), 'package.json'));
  const ts = require('typescript');
  const packages = {};
  const versions = {};
  for (const name of PACKAGES) {
    const file = require.resolve(name).replace(/\.js$/, '.d.ts');
    const program = ts.createProgram([file], { skipLibCheck: true, types: [] });
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file));
    const names = {};
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const f = symbol.flags;
      names[exported.name] =
        f & ts.SymbolFlags.Class
          ? 'class'
          : f & ts.SymbolFlags.Enum
            ? 'enum'
            : f & ts.SymbolFlags.Function
              ? 'function'
              : f & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)
                ? 'type'
                : f & ts.SymbolFlags.Variable
                  ? 'const'
                  : 'other';
    }
    packages[name] = Object.fromEntries(
      Object.keys(names)
        .sort(compareNames)
        .map((n) => [n, names[n]]),
    );
    versions[name] = require(`${name}/package.json`).version;
  }
  return {
    about:
      "Every export of NestJS's three packages, with its kind. Written by `node scripts/nest-exports.mjs --snapshot`; read by that script and test/core/nest-exports.test.ts.",
    versions,
    typescript: ts.version,
    packages,
  };
}

// ---------------------------------------------------------------- the doc's table

const PACKAGE_HEADING = /^###\s+`?(@nestjs\/[a-z-]+)`?/;
const ROW = /^\|\s*`([^`]+)`\s*\|([^|]*)\|([^|]*)\|(.*)\|\s*$/;

/**
 * The rows of the doc's tables, by package: a `### @nestjs/…` heading opens a
 * package's table, any other heading closes it. A row is
 * `| \`Name\` | kind | status | what differs, or why not |`.
 */
export function parseTable(markdown) {
  const rows = Object.fromEntries(PACKAGES.map((p) => [p, []]));
  let current;
  markdown.split('\n').forEach((line, index) => {
    if (/^#{1,6}\s/.test(line)) {
      const match = PACKAGE_HEADING.exec(line);
      current = match && rows[match[1]] ? match[1] : undefined;
      return;
    }
    if (!current) return;
    const row = ROW.exec(line);
    if (!row) return;
    rows[current].push({ name: row[1], kind: row[2].trim(), status: row[3].trim(), note: row[4].trim(), line: index + 1 });
  });
  return rows;
}

// ---------------------------------------------------------------- streamnest's exports

/** The file an `exports` entry points at for `import`, its `types` or its code. */
function exportTarget(entry, want) {
  if (typeof entry === 'string') return want === 'types' ? entry.replace(/\.(c|m)?js$/, '.d.$1ts') : entry;
  if (entry === null || typeof entry !== 'object') return undefined;
  if (want === 'types' && typeof entry.types === 'string') return entry.types;
  for (const condition of ['import', 'node', 'default', 'require']) {
    if (condition in entry) {
      const found = exportTarget(entry[condition], want);
      if (found) return found;
    }
  }
  return undefined;
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/**
 * The names a declaration file exports: its own `export` declarations,
 * `export { a, b as c } from …` lists, and, followed, `export * from …`.
 */
export function declaredExports(file, seen = new Set()) {
  const names = new Set();
  if (seen.has(file)) return names;
  seen.add(file);
  const text = stripComments(readFileSync(file, 'utf8'));
  for (const m of text.matchAll(
    /\bexport\s+(?:declare\s+)?(?:abstract\s+)?(?:class|function\*?|const|let|var|enum|interface|type|namespace)\s+([A-Za-z_$][\w$]*)/g,
  ))
    names.add(m[1]);
  for (const m of text.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of m[1].split(',')) {
      const parts = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/);
      const name = (parts[1] ?? parts[0]).trim();
      if (name && name !== 'default') names.add(name);
    }
  }
  for (const m of text.matchAll(/\bexport\s+\*\s+as\s+([A-Za-z_$][\w$]*)\s+from/g)) names.add(m[1]);
  for (const m of text.matchAll(/\bexport\s+\*\s+from\s+['"]([^'"]+)['"]/g)) {
    if (!m[1].startsWith('.')) continue;
    const target = resolve(dirname(file), m[1]).replace(/\.(c|m)?js$/, '.d.$1ts');
    const candidate = existsSync(target) ? target : `${target.replace(/\.d\.ts$/, '')}.d.ts`;
    if (!existsSync(candidate)) throw new Error(`${file}: cannot follow export * from '${m[1]}' (built? run npm run build)`);
    for (const name of declaredExports(candidate, seen)) if (name !== 'default') names.add(name);
  }
  return names;
}

/**
 * What the built package exports, from its root and streamnest/testing:
 * `values` by importing them, `types` from their declaration files.
 */
export async function streamnestExports(root = ROOT) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const values = new Set();
  const types = new Set();
  for (const entry of ENTRY_POINTS) {
    const spec = pkg.exports?.[entry];
    const code = exportTarget(spec, 'code') ?? (entry === '.' ? 'dist/index.js' : 'dist/testing/index.js');
    const typesFile = exportTarget(spec, 'types') ?? code.replace(/\.js$/, '.d.ts');
    const codePath = join(root, code);
    const typesPath = join(root, typesFile);
    if (!existsSync(codePath) || !existsSync(typesPath)) throw new Error(`${code} or ${typesFile} is missing: run npm run build first`);
    for (const name of Object.keys(await import(pathToFileURL(codePath).href))) if (name !== 'default') values.add(name);
    for (const name of declaredExports(typesPath)) types.add(name);
  }
  return { values, types };
}

// ---------------------------------------------------------------- the checks

/**
 * Every problem, each a list of `@nestjs/pkg Name (why)` strings:
 * - missingRows: a Nest export with no row in its package's table;
 * - notExported: a row marked supported/different that streamnest does not
 *   export (or exports only as a type where Nest's is a value);
 * - notInNest: a row for a name its package does not export;
 * - stale: a row marked later/not planned for a value streamnest now exports;
 * - malformed: a row with an unknown status, a wrong kind, no reason where
 *   one is due, a duplicate, or out of alphabetical order.
 */
export function check(snapshot, rows, exported) {
  const problems = { missingRows: [], notExported: [], notInNest: [], stale: [], malformed: [] };
  for (const pkg of PACKAGES) {
    const nest = snapshot.packages[pkg] ?? {};
    const table = rows[pkg] ?? [];
    const byName = new Map();
    for (const row of table) {
      const where = `${pkg} ${row.name} (line ${row.line})`;
      if (byName.has(row.name)) problems.malformed.push(`${where}: a second row`);
      byName.set(row.name, row);
      if (!(row.name in nest)) {
        problems.notInNest.push(`${pkg} ${row.name}`);
        continue;
      }
      if (!STATUSES.includes(row.status)) problems.malformed.push(`${where}: status "${row.status}" is not one of ${STATUSES.join(', ')}`);
      if (row.kind !== nest[row.name]) problems.malformed.push(`${where}: kind "${row.kind}", Nest's is "${nest[row.name]}"`);
      if (row.status !== 'supported' && STATUSES.includes(row.status) && row.note === '')
        problems.malformed.push(`${where}: a ${row.status} row needs a note saying how or why`);
      if (EXPORTED_STATUSES.has(row.status)) {
        const asValue = exported.values.has(row.name);
        const asType = exported.types.has(row.name);
        if (!asValue && !asType) problems.notExported.push(`${pkg} ${row.name}`);
        else if (VALUE_KINDS.has(nest[row.name]) && !asValue) problems.notExported.push(`${pkg} ${row.name} (only a type here; Nest's is a ${nest[row.name]})`);
      } else if (STATUSES.includes(row.status) && exported.values.has(row.name)) {
        problems.stale.push(`${pkg} ${row.name}`);
      }
    }
    for (const name of Object.keys(nest)) if (!byName.has(name)) problems.missingRows.push(`${pkg} ${name}`);
    for (let i = 1; i < table.length; i++) {
      if (compareNames(table[i - 1].name, table[i].name) > 0)
        problems.malformed.push(`${pkg} ${table[i].name} (line ${table[i].line}): out of alphabetical order, after ${table[i - 1].name}`);
    }
  }
  return problems;
}

const TITLES = {
  missingRows: 'Nest exports with no row in the table',
  notExported: 'marked supported or different, but streamnest does not export them',
  notInNest: 'rows naming something the package does not export',
  stale: 'marked later or not planned, but streamnest exports them now',
  malformed: 'malformed rows',
};

export async function run(argv = process.argv.slice(2), root = ROOT) {
  if (argv.includes('--snapshot')) {
    const at = argv.indexOf('--nest-dir');
    const nestDir = at === -1 ? '/tmp/nest' : argv[at + 1];
    const snapshot = snapshotFrom(nestDir);
    writeFileSync(join(root, SNAPSHOT_PATH), `${JSON.stringify(snapshot, null, 2)}\n`);
    const counts = PACKAGES.map((p) => `${p}@${snapshot.versions[p]}: ${Object.keys(snapshot.packages[p]).length}`).join(', ');
    console.log(`wrote ${SNAPSHOT_PATH} (${counts}; TypeScript ${snapshot.typescript})`);
    return 0;
  }
  const snapshot = readSnapshot(root);
  const rows = parseTable(readFileSync(join(root, DOC_PATH), 'utf8'));
  const problems = check(snapshot, rows, await streamnestExports(root));
  let failed = false;
  for (const [key, list] of Object.entries(problems)) {
    if (list.length === 0) continue;
    failed = true;
    console.log(`${TITLES[key]} (${list.length}):`);
    for (const item of list) console.log(`  ${item}`);
  }
  if (argv.includes('--rows')) {
    for (const item of problems.missingRows) {
      const [pkg, name] = item.split(' ');
      console.log(`| \`${name}\` | ${snapshot.packages[pkg][name]} | ? | |   <- ${pkg}`);
    }
  }
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const pkg of PACKAGES) for (const row of rows[pkg]) if (row.status in counts) counts[row.status]++;
  console.log(
    `${failed ? 'FAIL' : 'ok'}: ${Object.entries(counts)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`,
  );
  return failed ? 1 : 0;
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
