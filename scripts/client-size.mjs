// The size of streamnest/client as a browser gets it: the ES module build
// (dist/client/index.js, so run `npm run build` first) bundled by esbuild,
// minified, then gzipped. The goal is under 3 KB (3,072 bytes), which
// test/client/size.test.ts asserts; this prints the figures.
//
//   node scripts/client-size.mjs          prints raw, minified and gzipped bytes
//   node scripts/client-size.mjs --json   the same as JSON
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const CLIENT_ENTRY = 'dist/client/index.js';
export const CLIENT_BUDGET = 3072;

/** The client bundled as one ES module; `minify: false` for a readable one. */
export async function bundleClient({ root = process.cwd(), minify = true } = {}) {
  const result = await build({
    entryPoints: [resolve(root, CLIENT_ENTRY)],
    bundle: true,
    minify,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    legalComments: 'none',
  });
  return result.outputFiles[0].text;
}

/** { minified, gzipped } bytes of the bundle. */
export async function clientSize(root = process.cwd()) {
  const code = await bundleClient({ root });
  return { minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).byteLength };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const size = await clientSize();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ...size, budget: CLIENT_BUDGET }));
  else console.log(`streamnest/client: ${size.minified} bytes minified, ${size.gzipped} bytes gzipped (budget ${CLIENT_BUDGET})`);
  process.exitCode = size.gzipped > CLIENT_BUDGET ? 1 : 0;
}
