/**
 * Several copies of a server behind one port, as production runs them: the
 * primary of a `node:cluster` forks `PROCESSES` workers running
 * `ONE_PORT_SERVER` (a compiled server of this folder). They all listen on one
 * port; the primary accepts each connection and hands it to the next worker in
 * turn (Node's round-robin scheduling on Linux), so every worker gets the same
 * share and none nears the 20,000-file limit of a process.
 *
 * Toward the harness it is one server with the usual control channel
 * (control.ts), answered by asking the workers:
 *   publish                 -> the first worker only (the hub's transport fans out)
 *   clients / mem / cpu     -> every worker: the sum, and each worker's figure
 *   lag-reset / lag         -> every worker: the worst p99 and max
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type AddressInfo } from 'node:net';

const file = process.env.ONE_PORT_SERVER;
const processes = Number(process.env.PROCESSES ?? 6);
if (!file) throw new Error('ONE_PORT_SERVER must name the compiled server file the workers run');

interface Reply {
  id?: number;
  error?: string;
  [key: string]: unknown;
}

/** A port the kernel says is free: the workers all listen on it, so it must be known before they start. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let nextId = 1;
const pending = new Map<number, (reply: Reply) => void>();

function ask(worker: Worker, message: Record<string, unknown>): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.send({ ...message, id });
  });
}

function startWorker(port: number): Promise<Worker> {
  const worker = cluster.fork({ PORT: String(port) });
  worker.on('message', (m: Reply) => {
    if (m?.id !== undefined && pending.has(m.id)) {
      pending.get(m.id)!(m);
      pending.delete(m.id);
    }
  });
  worker.on('exit', (code, signal) => {
    if (!shuttingDown) {
      process.send?.({ type: 'log', error: `worker ${worker.id} exited (${signal ?? code})` });
      process.exit(1);
    }
  });
  return new Promise((resolve) => worker.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve(worker)));
}

let shuttingDown = false;
const port = await freePort();
cluster.setupPrimary({ exec: file, execArgv: ['--expose-gc'] });
const workers = await Promise.all(Array.from({ length: processes }, () => startWorker(port)));

const sum = (replies: Reply[], key: string) => replies.reduce((n, r) => n + Number(r[key] ?? 0), 0);
const all = (message: Record<string, unknown>) => Promise.all(workers.map((w) => ask(w, message)));

async function answer(m: { id: number; cmd: string }): Promise<Reply> {
  switch (m.cmd) {
    case 'publish':
      return ask(workers[0]!, m);
    case 'clients': {
      const replies = await all(m);
      return { clients: sum(replies, 'clients'), perProcess: replies.map((r) => r.clients) };
    }
    case 'mem': {
      const replies = await all(m);
      return { rss: sum(replies, 'rss'), heapUsed: sum(replies, 'heapUsed'), perProcess: replies.map((r) => r.rss), primaryRss: process.memoryUsage().rss };
    }
    case 'cpu': {
      const replies = await all(m);
      return { cpuMs: sum(replies, 'cpuMs'), perProcess: replies.map((r) => r.cpuMs) };
    }
    case 'lag-reset':
      await all(m);
      return {};
    case 'lag': {
      const replies = await all(m);
      const worst = (key: string) => Math.max(...replies.map((r) => Number(r[key])));
      return { p50: worst('p50'), p99: worst('p99'), max: worst('max') };
    }
    case 'exit':
      shuttingDown = true;
      for (const w of workers) w.kill();
      process.exit(0);
      break;
    default:
      return { error: `unknown command ${m.cmd}` };
  }
  return {};
}

process.on('message', (m: { id: number; cmd: string }) => {
  answer(m).then(
    (reply) => process.send?.({ ...reply, id: m.id }),
    (error) => process.send?.({ id: m.id, error: String(error) }),
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    shuttingDown = true;
    for (const w of workers) w.process.kill('SIGKILL');
    process.exit(0);
  });
}
process.on('disconnect', () => {
  shuttingDown = true;
  for (const w of workers) w.process.kill('SIGKILL');
  process.exit(0);
});
process.send?.({ type: 'ready', name: `one-port x${processes}`, port });
