// Builds a Go program of the bench (the Go hub anchor, the Go load-generator
// worker) into build/, with the standard library only. Go is not something
// the bench's package.json can install: where it is missing, GoMissing says
// how to get it and the caller falls back or skips.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('..', import.meta.url));

export class GoMissing extends Error {
  constructor(message) {
    super(`not installed: ${message}`);
    this.notInstalled = true;
  }
}

export function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` on PATH or in the usual system directories (sbin is often not on a user's PATH). */
export function findBinary(name, extraDirs) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  return dirs.map((d) => path.join(d, name)).find(executable);
}

/**
 * Builds the Go module in `bench/<dir>` to `bench/build/<out>`; returns the
 * binary and Go's version, or throws GoMissing. `how` says where the reader
 * learns more.
 */
export function buildGo(dir, out, how) {
  const go = process.env.GO ?? findBinary('go', ['/usr/lib/go/bin', '/usr/local/go/bin']);
  if (!go || !executable(go)) throw new GoMissing(`go was not found (Debian: apt-get install -y golang-go; or set GO; ${how})`);
  const bin = path.join(BENCH, 'build', out);
  mkdirSync(path.dirname(bin), { recursive: true });
  // Standard library only, nothing to download: GOPROXY=off makes sure of it.
  // CGO_ENABLED=0: no C compiler needed (the first build then compiles part of
  // the standard library, about 20 s; later ones come from the cache).
  const env = { ...process.env, CGO_ENABLED: '0', GOPROXY: 'off', GOFLAGS: '' };
  if (!env.GOCACHE && !env.HOME && !env.XDG_CACHE_HOME) env.GOCACHE = path.join(BENCH, 'build', 'gocache');
  execFileSync(go, ['build', '-o', bin, '.'], { cwd: path.join(BENCH, dir), env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  const version = execFileSync(go, ['version'], { encoding: 'utf8' })
    .trim()
    .replace(/^go version /, '');
  return { bin, version };
}
