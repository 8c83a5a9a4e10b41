// The anchors: servers that are not Node (nginx + nchan, a Go hub), run by a
// Node wrapper in servers/. They need software the bench's package.json cannot
// install, so before a run the runner looks for it here. A missing anchor is
// skipped with the reason and how to install it, never silently, and never
// counted as a failure (CI does not install them). The Go hub is built here,
// into build/anchors/, once per run (Go's build cache makes a rebuild quick).
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
const HOW = 'see bench/README.md, "Anchors"';

/** An anchor whose software is not on this machine: skipped, not failed. */
export class AnchorMissing extends Error {
  constructor(message) {
    super(`not installed: ${message}`);
    this.notInstalled = true;
  }
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` on PATH or in the usual system directories (sbin is often not on a user's PATH). */
function findBinary(name, extraDirs) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  return dirs.map((d) => path.join(d, name)).find(executable);
}

/** nchan does not say its version; the Debian package that installed the module does. */
function nchanVersion(module) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not JavaScript's
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'libnginx-mod-nchan'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.replace(/^\d+:/, '') : `(${module})`;
}

function nchanEnv() {
  const nginx = process.env.NGINX ?? findBinary('nginx', ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']);
  if (!nginx || !executable(nginx)) throw new AnchorMissing(`nginx was not found (Debian: apt-get install -y nginx libnginx-mod-nchan; or set NGINX; ${HOW})`);
  const candidates = ['/usr/lib/nginx/modules', '/usr/lib64/nginx/modules', '/usr/local/nginx/modules', '/usr/share/nginx/modules'];
  const module = process.env.NCHAN_MODULE ?? candidates.map((d) => path.join(d, 'ngx_nchan_module.so')).find(existsSync);
  if (!module || !existsSync(module))
    throw new AnchorMissing(`nchan's ngx_nchan_module.so was not found (Debian: apt-get install -y libnginx-mod-nchan; or set NCHAN_MODULE; ${HOW})`);
  // nginx prints its version on stderr.
  const version = spawnSync(nginx, ['-v'], { encoding: 'utf8' })
    .stderr.trim()
    .replace(/^nginx version: /, '');
  return { env: { NGINX_BIN: nginx, NCHAN_MODULE: module }, version: `${version} + nchan ${nchanVersion(module)}` };
}

function goHubEnv() {
  const go = process.env.GO ?? findBinary('go', ['/usr/lib/go/bin', '/usr/local/go/bin']);
  if (!go || !executable(go)) throw new AnchorMissing(`go was not found (Debian: apt-get install -y golang-go; or set GO; ${HOW})`);
  const out = path.join(BENCH, 'build', 'anchors', 'go-hub');
  mkdirSync(path.dirname(out), { recursive: true });
  // Standard library only, nothing to download: GOPROXY=off makes sure of it.
  // CGO_ENABLED=0: no C compiler needed (the first build then compiles part of
  // the standard library, about 20 s; later ones come from the cache).
  const env = { ...process.env, CGO_ENABLED: '0', GOPROXY: 'off', GOFLAGS: '' };
  if (!env.GOCACHE && !env.HOME && !env.XDG_CACHE_HOME) env.GOCACHE = path.join(BENCH, 'build', 'anchors', 'gocache');
  execFileSync(go, ['build', '-o', out, '.'], { cwd: path.join(BENCH, 'anchors', 'go-hub'), env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  const version = execFileSync(go, ['version'], { encoding: 'utf8' })
    .trim()
    .replace(/^go version /, '');
  return { env: { GO_HUB_BIN: out }, version };
}

const PREPARE = { nchan: nchanEnv, 'go-hub': goHubEnv };

/**
 * Finds (and for the Go hub, builds) what an anchor needs. Returns the
 * environment for its wrapper, or throws AnchorMissing (skip) or another
 * error (a real failure, e.g. the Go hub does not compile).
 */
export function prepareAnchor(kind) {
  const prepare = PREPARE[kind];
  if (!prepare) throw new Error(`unknown anchor ${kind}`);
  try {
    return prepare();
  } catch (e) {
    if (e.notInstalled) throw e;
    const detail = e.stderr ? String(e.stderr).trim().split('\n').slice(-3).join(' | ') : e.message;
    throw new Error(`${kind}: ${detail}`);
  }
}
