import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * What an app can import is pinned: each entry point's names, run-time values
 * and types apart, against test/core/fixtures/public-surface.json (rewritten
 * by `node scripts/public-surface.mjs --snapshot` when a change is meant). And
 * every name the README, the docs and the examples import exists where they
 * import it from, so moving a name never breaks what a reader copies.
 */

type Surface = Record<string, { values: string[]; types: string[] }>;
interface SurfaceScript {
  SNAPSHOT_PATH: string;
  publicSurface(root: string): Promise<Surface>;
  readSnapshot(root: string): Surface;
  differences(pinned: Surface, built: Surface): string[];
}

// build/test/core/public-surface.test.js → the repository root.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = (await import(pathToFileURL(join(root, 'scripts/public-surface.mjs')).href)) as SurfaceScript;
const built = await script.publicSurface(root);

test('each entry point exports exactly the names in the snapshot', () => {
  const found = script.differences(script.readSnapshot(root), built);
  assert.deepEqual(
    found,
    [],
    `the built package differs from ${script.SNAPSHOT_PATH} (+ added, - gone); if meant, run node scripts/public-surface.mjs --snapshot:\n  ${found.join('\n  ')}`,
  );
});

test('the root leaks no helper, and the wire encoder and the transport contract live in streamnest/sse-protocol', () => {
  const rootNames = [...built['streamnest']!.values, ...built['streamnest']!.types];
  for (const helper of ['tokenName', 'statusText', 'encodeEvent', 'encodeComment', 'HubEvent', 'Replay']) {
    assert.ok(!rootNames.includes(helper), `${helper} is exported from the root`);
  }
  assert.deepEqual(built['streamnest/sse-protocol'], {
    values: ['encodeComment', 'encodeEvent', 'SseFieldError'],
    types: ['HubEvent', 'Replay', 'SseTransport'],
  });
});

test('the comparison reports a name added, a name gone and an entry point gone', () => {
  const pinned: Surface = { streamnest: { values: ['Get', 'Post'], types: ['Type'] }, 'streamnest/x': { values: ['y'], types: [] } };
  const now: Surface = { streamnest: { values: ['Get', 'helper'], types: ['Type'] } };
  assert.deepEqual(script.differences(pinned, now).sort(), ['+ streamnest helper (value)', '- streamnest Post (value)', '- streamnest/x y (value)']);
});

/** Each `import { a, type B } from 'streamnest…'` in a text: the specifier and the names, without `type` or `as` renames. */
function namedImports(text: string): Array<{ specifier: string; name: string }> {
  const found: Array<{ specifier: string; name: string }> = [];
  for (const m of text.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"](streamnest(?:\/[\w-]+)?)['"]/g)) {
    for (const item of m[1]!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name) found.push({ specifier: m[2]!, name });
    }
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

test('every name the README, the docs and the examples import from streamnest is exported where they import it from', () => {
  const sources = [
    join(root, 'README.md'),
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(root, 'docs', f)),
    ...tsFiles(join(root, 'examples')),
  ];
  const missing: string[] = [];
  let imports = 0;
  for (const file of sources) {
    for (const { specifier, name } of namedImports(readFileSync(file, 'utf8'))) {
      imports++;
      const entry = built[specifier];
      if (!entry || (!entry.values.includes(name) && !entry.types.includes(name))) missing.push(`${file.slice(root.length)}: ${name} from '${specifier}'`);
    }
  }
  // The README alone imports dozens of names; finding few would mean the scan broke.
  assert.ok(imports > 40, `only ${imports} imported names found`);
  assert.deepEqual(missing, []);
});
