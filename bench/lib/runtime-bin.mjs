// Finds the Deno and Bun binaries the bench runs servers under. Both come from
// the npm registry as devDependencies (`deno`, `bun`), whose real binary is in
// a platform package (`@deno/linux-x64-glibc`, `@oven/bun-linux-x64`). The
// wrappers' postinstall scripts move or link it next to the wrapper, but npm
// may skip install scripts (npm 11 warns about them; `--ignore-scripts`), and
// then the wrapper holds only a stub that prints an error. So the platform
// package is looked in first, then where a postinstall puts it, then `PATH`;
// `DENO` / `BUN` override all of them. Every candidate is run with
// `--version`, so a stub or a binary for another libc is never picked.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The directory of an installed package, or undefined. */
function packageDir(name) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

function platformPackages(runtime) {
  const arch = process.arch;
  const os = process.platform;
  if (runtime === 'deno') {
    if (os === 'linux') return [`@deno/linux-${arch}-glibc`];
    if (os === 'darwin') return [`@deno/darwin-${arch}`];
    return [];
  }
  const a = arch === 'arm64' ? 'aarch64' : arch;
  if (os === 'linux') return [`@oven/bun-linux-${a}`, `@oven/bun-linux-${a}-musl`, `@oven/bun-linux-${a}-baseline`];
  if (os === 'darwin') return [`@oven/bun-darwin-${a}`];
  return [];
}

function candidates(runtime) {
  const env = process.env[runtime.toUpperCase()];
  if (env) return [{ file: env, from: `$${runtime.toUpperCase()}` }];
  const out = [];
  for (const pkg of platformPackages(runtime)) {
    const dir = packageDir(pkg);
    if (dir) out.push({ file: path.join(dir, runtime === 'deno' ? 'deno' : 'bin/bun'), from: pkg });
  }
  const wrapper = packageDir(runtime);
  if (wrapper) out.push({ file: path.join(wrapper, runtime === 'deno' ? 'deno' : 'bin/bun.exe'), from: `${runtime} (postinstall)` });
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) out.push({ file: path.join(dir, runtime), from: 'PATH' });
  return out;
}

const cache = new Map();

/**
 * `{ runtime, bin, version, from }` for 'node', 'deno' or 'bun', or
 * `{ runtime, missing: reason }` when no working binary is found.
 */
export function findRuntime(runtime) {
  if (runtime === 'node') return { runtime, bin: process.execPath, version: process.version.slice(1), from: 'this process' };
  if (cache.has(runtime)) return cache.get(runtime);
  const tried = [];
  let found;
  for (const c of candidates(runtime)) {
    // The wrapper's stub is a few hundred bytes of shell; skip it without running it.
    if (!existsSync(c.file) || statSync(c.file).size < 1_000_000) {
      if (c.from !== 'PATH') tried.push(`${c.file}: ${existsSync(c.file) ? 'a stub (install script not run)' : 'absent'}`);
      continue;
    }
    try {
      const out = execFileSync(c.file, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
      const version = /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.split('\n')[0];
      found = { runtime, bin: c.file, version, from: c.from };
      break;
    } catch (e) {
      tried.push(`${c.file}: does not run (${String(e.message).split('\n')[0]})`);
    }
  }
  const result = found ?? {
    runtime,
    missing: `no ${runtime} binary: run npm ci in bench/ (devDependency \`${runtime}\`) or set ${runtime.toUpperCase()}=/path/to/${runtime}${tried.length ? `; tried ${tried.join('; ')}` : ''}`,
  };
  cache.set(runtime, result);
  return result;
}

/**
 * How to fork a compiled server under a runtime: `execPath` and `execArgv`
 * for child_process.fork (Deno and Bun both speak Node's IPC channel).
 * Each gets what the control channel needs for two full GCs: Node and Deno
 * `--expose-gc` (V8), Bun needs nothing (`Bun.gc(true)`).
 */
export function forkOptions(rt) {
  if (rt.runtime === 'deno') return { execPath: rt.bin, execArgv: ['run', '-A', '--v8-flags=--expose-gc'] };
  if (rt.runtime === 'bun') return { execPath: rt.bin, execArgv: [] };
  return { execPath: process.execPath, execArgv: ['--expose-gc'] };
}

// `node lib/runtime-bin.mjs` prints what was found, for a quick check after npm ci.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of ['node', 'deno', 'bun']) {
    const x = findRuntime(r);
    console.log(x.missing ? `${r}: missing (${x.missing})` : `${r} ${x.version}: ${x.bin} (from ${x.from})`);
  }
}
