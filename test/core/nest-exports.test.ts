import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * docs/MIGRATING-FROM-NEST.md has a row for every export of @nestjs/common,
 * @nestjs/core and @nestjs/testing (from the committed snapshot), and what it
 * marks supported or different is exported by the built package. The checks
 * are scripts/nest-exports.mjs's, which prints the same lists by hand.
 */

type Row = { name: string; kind: string; status: string; note: string; line: number };
type Snapshot = { versions: Record<string, string>; packages: Record<string, Record<string, string>> };
type Exported = { values: Set<string>; types: Set<string> };
type Problems = Record<'missingRows' | 'notExported' | 'notInNest' | 'stale' | 'malformed', string[]>;
interface Checker {
  PACKAGES: string[];
  DOC_PATH: string;
  readSnapshot(root: string): Snapshot;
  parseTable(markdown: string): Record<string, Row[]>;
  streamnestExports(root: string): Promise<Exported>;
  check(snapshot: Snapshot, rows: Record<string, Row[]>, exported: Exported): Problems;
}

// build/test/core/nest-exports.test.js → the repository root.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const checker = (await import(pathToFileURL(join(root, 'scripts/nest-exports.mjs')).href)) as Checker;
const snapshot = checker.readSnapshot(root);
const rows = checker.parseTable(readFileSync(join(root, checker.DOC_PATH), 'utf8'));
const problems = checker.check(snapshot, rows, await checker.streamnestExports(root));

function none(list: string[], what: string): void {
  assert.deepEqual(list, [], `${list.length} ${what}:\n  ${list.join('\n  ')}`);
}

test("the snapshot holds NestJS 11's three packages", () => {
  for (const pkg of checker.PACKAGES) {
    assert.match(snapshot.versions[pkg] ?? '', /^11\./, `${pkg} version`);
    assert.ok(Object.keys(snapshot.packages[pkg] ?? {}).length > 0, `${pkg} has exports`);
  }
  assert.ok('Controller' in snapshot.packages['@nestjs/common']!);
  assert.ok('NestFactory' in snapshot.packages['@nestjs/core']!);
  assert.ok('Test' in snapshot.packages['@nestjs/testing']!);
});

test('every export of @nestjs/common, @nestjs/core and @nestjs/testing has a row in the migration guide', () => {
  none(problems.missingRows, 'Nest exports with no row in docs/MIGRATING-FROM-NEST.md');
});

test('every row marked supported or different is exported by streamnest or streamnest/testing', () => {
  none(problems.notExported, 'rows marked supported or different that streamnest does not export');
});

test('no row names something its Nest package does not export', () => {
  none(problems.notInNest, 'rows naming something Nest does not export');
});

test('no row says later or not planned for something streamnest now exports', () => {
  none(problems.stale, 'rows marked later or not planned for names streamnest exports');
});

test("rows are well formed: a known status, Nest's kind, a note where one is due, alphabetical, no duplicates", () => {
  none(problems.malformed, 'malformed rows');
});

test('the check itself finds each kind of problem', () => {
  const doc = [
    '### @nestjs/common',
    '',
    '| Export | Kind | Status | Note |',
    '| --- | --- | --- | --- |',
    '| `Get` | const | supported | |',
    '| `Body` | function | supported | |',
    '| `Gone` | class | supported | |',
    '| `Render` | function | later | |',
    '| `Sse` | const | later | not yet |',
    '| `Nowhere` | type | sometimes | x |',
    '## Elsewhere',
    '| `Ignored` | const | supported | |',
  ].join('\n');
  const fake: Snapshot = {
    versions: {},
    packages: {
      '@nestjs/common': { Get: 'const', Body: 'const', Render: 'function', Sse: 'const', Missing: 'type', Nowhere: 'type' },
      '@nestjs/core': {},
      '@nestjs/testing': {},
    },
  };
  const found = checker.check(fake, checker.parseTable(doc), { values: new Set(['Get', 'Sse']), types: new Set(['Body']) });
  assert.deepEqual(found.stale, ['@nestjs/common Sse']);
  assert.deepEqual(found.missingRows, ['@nestjs/common Missing']);
  assert.deepEqual(found.notExported, ["@nestjs/common Body (only a type here; Nest's is a const)"]);
  assert.deepEqual(found.notInNest, ['@nestjs/common Gone']);
  assert.deepEqual(
    found.malformed.map((m) => m.replace(/ \(line \d+\)/, '')),
    [
      '@nestjs/common Body: kind "function", Nest\'s is "const"',
      '@nestjs/common Render: a later row needs a note saying how or why',
      '@nestjs/common Nowhere: status "sometimes" is not one of supported, different, later, not planned',
      '@nestjs/common Body: out of alphabetical order, after Get',
      '@nestjs/common Nowhere: out of alphabetical order, after Sse',
    ],
  );
});
