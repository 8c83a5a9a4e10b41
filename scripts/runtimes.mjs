// Where the Deno and Bun binaries are, as installed by `npm ci` from the devDependencies
// `deno` and `bun`. Bun's postinstall (allowed in `allowScripts` in package.json) moves the
// platform binary into the wrapper package; Deno's is denied there, so that its `bin` stays
// the JavaScript launcher, which `deno task` can run (it runs node_modules/.bin entries as
// JavaScript), and the binary stays in the platform package (`@deno/linux-x64-glibc`, …),
// where the launcher finds it. Where install scripts did not run at all (`--ignore-scripts`,
// or an npm that blocks them), Bun's binary is in `@oven/bun-linux-x64` too. So every place
// is tried, and each binary is asked for its version once: one that cannot run here
// (another libc, a CPU it was not built for) is reported, not used.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const exe = process.platform === 'win32' ? '.exe' : '';

/** A package's folder, or undefined when it is not installed (an optional dependency for another platform). */
function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** The platform package names each wrapper lists, for this machine. */
function platformPackages(runtime) {
  const arch = process.arch === 'arm64' ? (runtime === 'bun' ? 'aarch64' : 'arm64') : 'x64';
  if (runtime === 'deno') {
    if (process.platform === 'linux') return [`@deno/linux-${arch}-glibc`];
    if (process.platform === 'win32') return [`@deno/win32-${arch}`];
    return [`@deno/darwin-${arch}`];
  }
  const os = process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'darwin' : 'linux';
  return [`@oven/bun-${os}-${arch}`, `@oven/bun-${os}-${arch}-baseline`, `@oven/bun-${os}-${arch}-musl`];
}

/** Every place the binary may be, the wrapper's own first. */
function candidates(runtime) {
  const places = [];
  const wrapper = packageDir(runtime);
  if (wrapper) places.push(runtime === 'deno' ? join(wrapper, `deno${exe}`) : join(wrapper, 'bin', 'bun.exe'));
  for (const name of platformPackages(runtime)) {
    const dir = packageDir(name);
    if (dir) places.push(runtime === 'deno' ? join(dir, `deno${exe}`) : join(dir, 'bin', `bun${exe}`));
  }
  return places;
}

/** `{ path, version }` when the runtime's binary runs here, else `{ missing: reason }`. */
function locate(runtime) {
  const tried = [];
  for (const path of candidates(runtime)) {
    // The wrapper ships a small placeholder that its postinstall replaces with the binary.
    if (!existsSync(path) || statSync(path).size < 1_000_000) {
      tried.push(`${path} (absent or a placeholder)`);
      continue;
    }
    const run = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    // `deno 2.9.6 (stable, …)` or `1.4.5`: the version number alone.
    if (run.status === 0) return { path, version: run.stdout.match(/\d+\.\d+\.\d+\S*/)?.[0] ?? run.stdout.trim() };
    tried.push(`${path} (--version failed: ${run.error?.message ?? run.stderr.trim().split('\n')[0] ?? `exit ${run.status}`})`);
  }
  const where = tried.length ? `tried ${tried.join('; ')}` : `the npm package "${runtime}" is not installed`;
  return { missing: `no runnable ${runtime} binary: ${where}; run npm ci` };
}

const cache = new Map();

/** The runtime's binary (`'deno'` or `'bun'`), located once per process. */
export function runtime(name) {
  if (!cache.has(name)) cache.set(name, locate(name));
  return cache.get(name);
}

/** The binary's path, or undefined when it is missing (see `runtime(name).missing`). */
export function runtimePath(name) {
  return runtime(name).path;
}

// `node scripts/runtimes.mjs` prints both, for a person checking an install.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const name of ['deno', 'bun']) {
    const found = runtime(name);
    console.log(found.path ? `${name}: ${found.version} at ${found.path}` : `${name}: ${found.missing}`);
  }
}
