import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importsOf } from '../support/import-scan.js';
import { importCycles, type SourceGraph } from '../support/source-graph.js';

// The layer test trusts this scanner: what it misses, the layer rule never sees.

const scan = (source: string) => importsOf(source).map((ref) => `${ref.specifier}${ref.typeOnly ? ' (type)' : ''} @${ref.line}`);

test('import scan: declarations over several lines, default, namespace and side-effect imports', () => {
  const source = [
    'import {',
    '  a,',
    '  b as c,',
    "} from './one.js';",
    'import d, * as e from "./two.js";',
    "import './side-effect.js';",
    "import x = require('./cjs.js');",
  ].join('\n');
  assert.deepEqual(scan(source), ['./one.js @4', './two.js @5', './side-effect.js @6', './cjs.js @7']);
});

test('import scan: type-only imports and exports are told from value ones', () => {
  const source = [
    "import type { A } from './a.js';",
    "import type * as B from './b.js';",
    "import { type C, type D as E } from './c.js';",
    "import { type F, G } from './f.js';",
    "import type from './default-named-type.js';",
    "import { type as renamed } from './value-named-type.js';",
    "export type { H } from './h.js';",
    "export * from './all.js';",
    "export * as ns from './ns.js';",
    "export { i, type J } from './i.js';",
    "export type * from './types.js';",
  ].join('\n');
  assert.deepEqual(scan(source), [
    './a.js (type) @1',
    './b.js (type) @2',
    './c.js (type) @3',
    './f.js @4',
    './default-named-type.js @5',
    './value-named-type.js @6',
    './h.js (type) @7',
    './all.js @8',
    './ns.js @9',
    './i.js @10',
    './types.js (type) @11',
  ]);
});

test('import scan: import() in a type is type-only, as a call it is a value', () => {
  const source = [
    "type T = import('./in-type.js').Thing<string>;",
    "let u: typeof import('./typeof.js');",
    'function f(x: import("./param.js").P.Q) {}',
    "const m = await import('./awaited.js');",
    "const n = (await import('./member.js')).value;",
    "import('./then.js').then((mod) => mod);",
    'const p = import.meta.url;',
  ].join('\n');
  assert.deepEqual(scan(source), [
    './in-type.js (type) @1',
    './typeof.js (type) @2',
    './param.js (type) @3',
    './awaited.js @4',
    './member.js @5',
    './then.js @6',
  ]);
});

test('import scan: imports written in comments, strings, templates or regular expressions are not imports', () => {
  const source = [
    "// import { a } from './line-comment.js';",
    "/* import b from './block-comment.js';",
    "   export * from './block-comment-2.js'; */",
    "/** e.g. `type X = import('./jsdoc.js').X` */",
    'const s = "import c from \'./in-a-string.js\'";',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, holding a template literal
    "const t = `import d from './in-a-template.js' ${ { k: \"}\" }.k } and export * from './after-substitution.js'`;",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, holding a template literal
    "const nested = `a ${ { k: 1 }.k + `import y from './nested-template.js'` } b`;",
    "const r = /import e from '.\\/in-a-regex.js'/g;",
    "const quote = /['\"]/, url = 'http://example.com';",
    "import { real } from './real.js';",
    "obj.import('./a-method.js');",
  ].join('\n');
  assert.deepEqual(scan(source), ['./real.js @10']);
});

const graphOf = (edges: Array<[string, string]>): SourceGraph => ({
  files: [...new Set(edges.flat())].sort(),
  edges: edges.map(([from, to]) => ({ from, to, typeOnly: false, line: 1 })),
  unresolved: [],
  external: [],
});

test('import cycles: each strongly connected group is reported once, with its edges; a file importing itself is one', () => {
  const cycles = importCycles(
    graphOf([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'd'],
      ['e', 'a'],
      ['f', 'f'],
      ['g', 'h'],
      ['h', 'g'],
    ]),
  );
  assert.deepEqual(
    cycles.map((c) => ({ files: c.files, edges: c.edges.map((e) => `${e.from}->${e.to}`) })).sort((x, y) => x.files[0]!.localeCompare(y.files[0]!)),
    [
      { files: ['a', 'b', 'c'], edges: ['a->b', 'b->c', 'c->a'] },
      { files: ['f'], edges: ['f->f'] },
      { files: ['g', 'h'], edges: ['g->h', 'h->g'] },
    ],
  );
});

test('import cycles: a graph without one, however tangled, reports none', () => {
  assert.deepEqual(
    importCycles(
      graphOf([
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'd'],
        ['c', 'd'],
        ['d', 'e'],
        ['a', 'e'],
      ]),
    ),
    [],
  );
});
