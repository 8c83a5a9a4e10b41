/**
 * Anchor: nginx + nchan, the pub/sub module in C that runs inside nginx's
 * event loop. This wrapper renders anchors/nchan/nginx.conf.template into a
 * temporary prefix, runs nginx in the foreground (one worker by default) and
 * drives it for the harness: a publish is a POST to nchan's publisher
 * location, the subscriber count comes from the channel info it returns.
 *
 * Environment (the runner sets the first two, see lib/anchors.mjs):
 *   NGINX_BIN      the nginx binary
 *   NCHAN_MODULE   ngx_nchan_module.so
 *   NCHAN_WORKERS  worker_processes, 1 unless set (`auto`: one per core)
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Anchor, HOST, runAnchor } from './anchor-control.js';
import { AnchorHttp } from './anchor-http.js';
import { AnchorProcess } from './anchor-process.js';

const TEMPLATE = fileURLToPath(new URL('../../anchors/nchan/nginx.conf.template', import.meta.url));
const NGINX = process.env.NGINX_BIN ?? 'nginx';
const MODULE = process.env.NCHAN_MODULE ?? '/usr/lib/nginx/modules/ngx_nchan_module.so';
const WORKERS = process.env.NCHAN_WORKERS ?? '1';
const PUBLISHER = '/pub';

/** The hard open-file limit: nginx's worker raises its own soft limit to it (worker_rlimit_nofile). */
function openFileLimit(): number {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const hard = m?.[2] === 'unlimited' ? 1 << 20 : Number(m?.[2]);
  return Number.isFinite(hard) && hard > 0 ? Math.min(hard, 1 << 20) : 1024;
}

/** nginx cannot listen on port 0 and say which port it got, so the kernel picks one here first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function render(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`${TEMPLATE}: no value for {{${key}}}`);
    return String(values[key]);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Ready once the port accepts connections and the master has forked its worker(s). */
async function untilListening(proc: AnchorProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`nginx exited before it listened: ${proc.tail()}`);
    if (proc.pids().length >= 2 && (await accepts(port))) return;
    await sleep(50);
  }
  throw new Error(`nginx did not listen on ${port} in ${timeoutMs} ms: ${proc.tail()}`);
}

async function startNginx(prefix: string): Promise<{ proc: AnchorProcess; port: number }> {
  const limit = openFileLimit();
  // Another process can take the port between freePort() and nginx's bind: try again then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const conf = render(readFileSync(TEMPLATE, 'utf8'), {
      NCHAN_MODULE: MODULE,
      WORKERS,
      RLIMIT_NOFILE: limit,
      // Room for the listening socket, the publisher and nginx's own files.
      WORKER_CONNECTIONS: Math.max(1024, limit - 64),
      PREFIX: prefix,
      PORT: port,
    });
    writeFileSync(path.join(prefix, 'nginx.conf'), conf);
    const proc = new AnchorProcess('nginx', NGINX, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', 'stderr']);
    try {
      await untilListening(proc, port, 10_000);
      return { proc, port };
    } catch (error) {
      await proc.stop();
      if (attempt < 3 && /Address already in use/.test(proc.tail(10))) continue;
      throw error;
    }
  }
}

async function start(): Promise<Anchor> {
  // A fresh prefix per run; readable by the worker, which runs as `nobody` when nginx starts as root.
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'streamnest-bench-nchan-'));
  chmodSync(prefix, 0o755);
  process.on('exit', () => rmSync(prefix, { recursive: true, force: true }));

  const { proc, port } = await startNginx(prefix);
  const http = new AnchorHttp(HOST, port);
  return {
    process: proc,
    port,
    dirs: [prefix],
    async publish(data) {
      await http.ok('POST', PUBLISHER, { body: data });
    },
    async clients() {
      // The channel exists once a subscriber or a publisher has touched it.
      const res = await http.request('GET', PUBLISHER, { accept: 'application/json' });
      if (res.status === 404) return 0;
      if (res.status !== 200) throw new Error(`GET ${PUBLISHER}: ${res.status} ${res.body.trim()}`);
      return Number(JSON.parse(res.body).subscribers);
    },
    async close() {
      http.close();
      await proc.stop();
    },
  };
}

runAnchor('nchan', start);
