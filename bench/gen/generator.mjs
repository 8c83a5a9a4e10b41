// The SSE load generator's coordinator: spreads streams over worker processes
// (at most PER_WORKER each), one source address per worker (127.0.0.2, .3, …),
// ramps in batches, and gathers per-batch delivery counts, latencies and the
// workers' own CPU use. A worker is gen/worker.mjs (Node) or gen/go-worker
// (Go, the same commands over the same IPC channel, several times cheaper
// per event received: see resolveWorker).
import { fileURLToPath } from 'node:url';
import { buildGo } from '../lib/go-build.mjs';
import { spawnChild } from '../lib/proc.mjs';

const NODE_WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
export const PER_WORKER = 10_000; // well under the 20,000 open-file limit of a process

/**
 * The worker to run: `node`, `go` (built now; throws where Go is missing) or
 * `auto` (Go where it is installed, else Node). Returns what spawnChild needs
 * and a name for reports.
 */
export function resolveWorker(kind = 'node') {
  if (kind === 'node') return { name: 'node', file: NODE_WORKER };
  try {
    const { bin, version } = buildGo('gen/go-worker', 'gen/go-worker', 'see bench/README.md, "The load generator"');
    // fork() runs `execPath file`: the Go worker ignores the argument and finds its channel in NODE_CHANNEL_FD.
    return { name: `go (${version})`, file: 'go-worker', execPath: bin };
  } catch (e) {
    if (kind !== 'auto') throw e;
    // Auto never fails a run: no Go, or a Go that cannot build the worker (too old, say), means the Node worker.
    const why = e.notInstalled
      ? e.message
      : `the Go worker did not build: ${((e.stderr && String(e.stderr).trim()) || e.message).split('\n').slice(-2).join(' | ')}`;
    return { name: `node (${why})`, file: NODE_WORKER };
  }
}

export class Generator {
  constructor({ port, path = '/sse', cpu, batch = 500, worker = resolveWorker('node') }) {
    this.port = port;
    this.path = path;
    this.cpu = cpu;
    this.batch = batch;
    this.worker = worker;
    this.workers = []; // { h, count, addr }
    this.batchNo = 0;
  }

  get size() {
    return this.workers.reduce((n, w) => n + w.count, 0);
  }

  /** Opens streams until `total` have been attempted; returns what is held. */
  async rampTo(total, timeoutMs = 10_000) {
    let errors = 0,
      firstError = '';
    const start = Date.now();
    while (this.size < total) {
      const w = this.workerWithRoom();
      const n = Math.min(PER_WORKER - w.count, total - this.size);
      w.count += n;
      const r = await w.h.rpc(
        { cmd: 'connect', port: this.port, path: this.path, count: n, localAddress: w.addr, batch: this.batch, timeoutMs },
        60_000 + n * 20,
      );
      errors += r.errors;
      if (r.firstError && !firstError) firstError = r.firstError;
    }
    const held = await this.held();
    return { attempted: this.size, held, errors, firstError, ms: Date.now() - start };
  }

  /**
   * Opens one stream per user in `users` on `port`, each on its own path
   * (`path` with `{user}` replaced), filling workers as rampTo does. Later
   * calls may name another port: clients placed on several servers.
   */
  async connectUsers(port, users, timeoutMs = 10_000) {
    let errors = 0,
      firstError = '';
    for (let at = 0; at < users.length; ) {
      const w = this.workerWithRoom();
      const n = Math.min(PER_WORKER - w.count, users.length - at);
      w.count += n;
      const r = await w.h.rpc(
        { cmd: 'connect', port, path: this.path, users: users.slice(at, at + n), localAddress: w.addr, batch: this.batch, timeoutMs },
        60_000 + n * 20,
      );
      at += n;
      errors += r.errors;
      if (r.firstError && !firstError) firstError = r.firstError;
    }
    return { errors, firstError };
  }

  /** Starts counting, in every worker, the private-channel events of a new batch; returns its number. */
  async flowStart() {
    const batch = ++this.batchNo;
    await Promise.all(this.workers.map((w) => w.h.rpc({ cmd: 'flow-start', batch })));
    return batch;
  }

  /** Private-channel events received so far, over every worker. */
  async flowCount() {
    const rs = await Promise.all(this.workers.map((w) => w.h.rpc({ cmd: 'flow-count' })));
    return rs.reduce((n, r) => n + r.received, 0);
  }

  /** Stops counting; per user, how many of its events came; every latency; the workers' CPU. */
  async flowEnd() {
    const rs = await Promise.all(this.workers.map((w) => w.h.rpc({ cmd: 'flow-end' }, 30_000)));
    const got = new Map();
    const out = { got, dead: 0, received: 0, outOfOrder: 0, lats: [], first: 0n, last: 0n, cpuMs: 0, wallMs: 0 };
    for (const r of rs) {
      for (let i = 0; i < r.users.length; i++) got.set(r.users[i], r.got[i]);
      out.dead += r.dead;
      out.received += r.received;
      out.outOfOrder += r.outOfOrder;
      for (const x of r.lats) out.lats.push(x);
      const first = BigInt(r.first);
      if (first > 0n && (out.first === 0n || first < out.first)) out.first = first;
      if (BigInt(r.last) > out.last) out.last = BigInt(r.last);
      out.cpuMs += r.cpuMs;
      out.wallMs = Math.max(out.wallMs, r.wallMs);
    }
    return out;
  }

  workerWithRoom() {
    let w = this.workers.find((x) => x.count < PER_WORKER);
    if (!w) {
      const idx = this.workers.length;
      const { file, execPath } = this.worker;
      w = { h: spawnChild(file, { execPath, cpu: this.cpu, label: `generator worker ${idx}` }), count: 0, addr: `127.0.0.${2 + idx}` };
      this.workers.push(w);
    }
    return w;
  }

  async held() {
    const rs = await Promise.all(this.workers.map((w) => w.h.rpc({ cmd: 'stats' })));
    return rs.reduce((n, r) => n + r.open, 0);
  }

  /**
   * Arms every worker for the next batch of `expect` events, runs `publish()`
   * (which tells the server to broadcast them), and waits until every held
   * stream has them all or `timeoutMs` passes.
   */
  async measure(expect, publish, timeoutMs) {
    const batch = ++this.batchNo;
    const waits = [];
    for (const w of this.workers) {
      const done = w.h.expect(timeoutMs + 5_000);
      waits.push(done.promise);
      await w.h.rpc({ cmd: 'arm', doneId: done.id, batch, expect, timeoutMs });
    }
    const pub = await publish(batch);
    const rs = await Promise.all(waits);
    const lats = [];
    let last = 0n;
    const out = { batch, expect, complete: 0, incomplete: 0, received: 0, extra: 0, outOfOrder: 0, timedOut: false, cpuMs: 0, wallMs: 0, held: 0 };
    for (const r of rs) {
      for (const x of r.lats) lats.push(x);
      if (BigInt(r.last) > last) last = BigInt(r.last);
      out.complete += r.complete;
      out.incomplete += r.incomplete;
      out.received += r.received;
      out.extra += r.extra;
      out.outOfOrder += r.outOfOrder;
      out.timedOut ||= r.timedOut;
      out.held += r.open;
      out.cpuMs += r.cpuMs;
      out.wallMs = Math.max(out.wallMs, r.wallMs);
    }
    out.lats = lats;
    out.last = last;
    out.publish = pub;
    out.exact = out.incomplete === 0 && out.extra === 0 && out.outOfOrder === 0 && !out.timedOut && out.received === out.held * expect;
    return out;
  }

  async close() {
    await Promise.all(
      this.workers.map(async (w) => {
        try {
          await w.h.rpc({ cmd: 'close' }, 5_000);
        } catch {}
        await w.h.kill();
      }),
    );
    this.workers = [];
  }
}
