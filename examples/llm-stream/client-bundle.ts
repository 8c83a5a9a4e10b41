import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundle: Promise<string> | undefined;

/**
 * streamnest/client as one ES module for the page, bundled and minified by
 * esbuild from the package's ES build, once. A real app bundles it with the
 * rest of its front end (`import { createClient } from 'streamnest/client'`).
 */
export function clientBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [fileURLToPath(import.meta.resolve('streamnest/client'))],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
  }).then(
    (result) => result.outputFiles[0]!.text,
    (error) => {
      bundle = undefined;
      throw error;
    },
  );
  return bundle;
}
