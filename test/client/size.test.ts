// The size of streamnest/client as a browser downloads it: the ES module build,
// bundled and minified by esbuild, gzipped. A property of the artifact, not a
// timing: the same sources always give the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface SizeScript {
  CLIENT_BUDGET: number;
  clientSize(root: string): Promise<{ minified: number; gzipped: number }>;
  bundleClient(options: { root: string; minify?: boolean }): Promise<string>;
}

// build/test/client/size.test.js → the repository root.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = (await import(pathToFileURL(join(root, 'scripts/client-size.mjs')).href)) as SizeScript;

test('streamnest/client is under 3 KB (3,072 bytes) minified and gzipped', async (t) => {
  const { minified, gzipped } = await script.clientSize(root);
  t.diagnostic(`streamnest/client: ${minified} bytes minified, ${gzipped} bytes gzipped`);
  assert.equal(script.CLIENT_BUDGET, 3072);
  assert.ok(gzipped <= script.CLIENT_BUDGET, `${gzipped} bytes gzipped, over the budget of ${script.CLIENT_BUDGET}`);
});

test('the bundle is the client alone: nothing of the server, nothing of Node', async () => {
  const code = await script.bundleClient({ root, minify: false });
  for (const foreign of ['node:', 'require(', 'SN_ERR_', 'Reflect.getMetadata', 'process.']) {
    assert.ok(!code.includes(foreign), `the bundle mentions ${foreign}`);
  }
  assert.match(code, /export\s*\{[^}]*createClient/);
});
