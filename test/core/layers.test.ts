import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importCycles, readSourceGraph, type Edge } from '../support/source-graph.js';

/**
 * The dependency rule of src: `common ← di ← http ← sse ← platform`, each
 * layer using only itself and the layers to its left, and no import cycle
 * anywhere. Type-only imports count: a cycle through types still ties the
 * files together. Tests run from the repository root.
 */
const graph = readSourceGraph(process.cwd(), 'src');

const CORE = ['common', 'di', 'http', 'sse', 'platform'];
const upTo = (layer: string) => CORE.slice(0, CORE.indexOf(layer) + 1);

/** What each layer may import; `typesFrom`: what it may name in types only. */
const RULES: Record<string, { uses: string[]; typesFrom?: string[] }> = {
  common: { uses: upTo('common') },
  di: { uses: upTo('di') },
  http: { uses: upTo('http') },
  sse: { uses: upTo('sse') },
  // The application's enableCors() and `cors` option use the cors subpath, which sits on common alone.
  // …and the views subpath, by a lazy import() only when the app sets a view engine (application.ts: loadViews).
  platform: { uses: [...upTo('platform'), 'cors', 'views'] },
  // The subpaths: streamnest/cors, streamnest/redis, streamnest/sse-protocol, streamnest/testing.
  cors: { uses: ['common', 'cors'], typesFrom: ['http'] },
  redis: { uses: ['common', 'sse', 'redis'] },
  'sse-protocol': { uses: ['common', 'sse', 'sse-protocol'] },
  testing: { uses: [...CORE, 'testing'] },
  // streamnest/views: the template engines and their cache, behind http's ViewRenderer.
  views: { uses: ['common', 'http', 'views'] },
  // streamnest/cache and streamnest/schedule: the machinery of their modules, on common and di only.
  cache: { uses: ['common', 'di', 'cache'] },
  schedule: { uses: ['common', 'di', 'schedule'] },
  // streamnest/upload: the interceptors and MulterModule, on common alone (http learns of them through common/body-consumer.ts).
  upload: { uses: ['common', 'upload'] },
  // streamnest/cookies and streamnest/jwt: modules on the DI and HTTP layers, which nothing below imports.
  cookies: { uses: ['common', 'di', 'http', 'cookies'] },
  jwt: { uses: ['common', 'di', 'http', 'jwt'] },
  // streamnest/nats: the NATS JetStream transport, beside redis on common and the hub's contract.
  nats: { uses: ['common', 'sse', 'nats'] },
  // streamnest/client: bundled alone for browsers, so it imports nothing of the server, not even errors.ts.
  client: { uses: ['client'] },
  // streamnest/metrics (on the optional peer prom-client) and streamnest/dashboard: modules that read the app's SSE insights.
  metrics: { uses: ['common', 'di', 'http', 'sse', 'metrics'] },
  dashboard: { uses: ['common', 'di', 'http', 'sse', 'dashboard'] },
  // The package's entry point gathers everything; nothing imports it.
  index: { uses: [...CORE, 'cors', 'redis', 'sse-protocol', 'testing', 'upload', 'index'] },
};

/** `src/<layer>/…`; the three files at the top are the errors and the warnings (part of common) and the entry point. */
function layerOf(file: string): string {
  if (file === 'src/errors.ts' || file === 'src/warnings.ts') return 'common';
  if (file === 'src/index.ts') return 'index';
  const [, top, ...rest] = file.split('/');
  return rest.length > 0 ? top! : `(no layer: ${file})`;
}

function allowed(edge: Edge): boolean {
  const rule = RULES[layerOf(edge.from)];
  const target = layerOf(edge.to);
  if (!rule) return false;
  return rule.uses.includes(target) || (edge.typeOnly && (rule.typesFrom ?? []).includes(target));
}

const show = (edge: Edge) => `${edge.from} -> ${edge.to} (line ${edge.line}${edge.typeOnly ? ', types only' : ''})`;

test('layers: the scan of src found its files and their imports, and every relative import names a file of src', () => {
  assert.ok(graph.files.length > 100, `only ${graph.files.length} files under src: is the working directory the repository root?`);
  assert.ok(graph.edges.length > graph.files.length, 'too few imports found for the scan to be trusted');
  assert.deepEqual(
    graph.unresolved.map((u) => `${u.from}: '${u.specifier}' (line ${u.line})`),
    [],
  );
});

test('layers: every file of src belongs to a layer', () => {
  const outside = graph.files.filter((file) => RULES[layerOf(file)] === undefined);
  assert.deepEqual(outside, [], `files in no layer: add their folder to the rules of this test\n  ${outside.join('\n  ')}`);
});

test('layers: common ← di ← http ← sse ← platform; each file imports only its own layer or one to its left (cors, redis, testing: their own rules)', () => {
  const wrong = graph.edges.filter((edge) => !allowed(edge));
  const lines = wrong.map((edge) => `${layerOf(edge.from)} -> ${layerOf(edge.to)}: ${show(edge)}`);
  assert.deepEqual(lines, [], `imports against the layers:\n  ${lines.join('\n  ')}`);
});

test('layers: no file of src imports the package by its own name, which would go round the rules', () => {
  const own = graph.external.filter((ref) => /^(streamnest|#internal)(\/|$)/.test(ref.specifier));
  const lines = own.map((ref) => `${ref.from} -> '${ref.specifier}' (line ${ref.line})`);
  assert.deepEqual(lines, [], lines.join('\n'));
});

test('layers: no import cycle anywhere in src, type-only imports included', () => {
  const cycles = importCycles(graph);
  const report = cycles.map((cycle) => `cycle of ${cycle.files.length}: ${cycle.files.join(', ')}\n    ${cycle.edges.map(show).join('\n    ')}`);
  assert.deepEqual(report, [], `import cycles:\n  ${report.join('\n  ')}`);
});
