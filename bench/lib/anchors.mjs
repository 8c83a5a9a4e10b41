// The anchors: servers that are not Node (nginx + nchan, a Go hub), run by a
// Node wrapper in servers/. They need software the bench's package.json cannot
// install, so before a run the runner looks for it here. A missing anchor is
// skipped with the reason and how to install it, never silently, and never
// counted as a failure (CI does not install them). The Go hub is built here,
// into build/anchors/, once per run (Go's build cache makes a rebuild quick).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildGo, executable, findBinary, GoMissing } from './go-build.mjs';

const HOW = 'see bench/README.md, "Anchors"';

/** An anchor whose software is not on this machine: skipped, not failed. */
export class AnchorMissing extends Error {
  constructor(message) {
    super(`not installed: ${message}`);
    this.notInstalled = true;
  }
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
  try {
    const { bin, version } = buildGo('anchors/go-hub', 'anchors/go-hub', HOW);
    return { env: { GO_HUB_BIN: bin }, version };
  } catch (e) {
    if (e instanceof GoMissing) throw new AnchorMissing(e.message.replace(/^not installed: /, ''));
    throw e;
  }
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
