// Beyond one process: `node cluster.mjs [--processes=3] [--clients=40500]`.
// Starts N streamnest hub processes on the Redis Streams transport, each on its
// own port, spreads the clients over them (no process may hold 20,000 sockets),
// publishes through the first, and checks that every client gets every event.
// Writes results/cluster.json and refreshes RESULTS.md.
import { randomUUID } from 'node:crypto';
import { Generator } from './gen/generator.mjs';
import { spawnChild, waitFor, killAllSync, runMain } from './lib/proc.mjs';
import { refreshResults } from './lib/report.mjs';
import { probeBroadcast } from './lib/broadcast-probe.mjs';
import { parseArgs } from './lib/args.mjs';

const args = parseArgs(process.argv.slice(2));
const processes = Number(args.processes ?? 3);
const clients = Number(args.clients ?? 40_500);
const probes = Number(args.probes ?? 5);
const burst = Number(args.burst ?? 10);
const key = `streamnest:bench:${randomUUID()}`;
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const budget = setTimeout(() => {
  console.error('cluster bench: over its 20 min budget, aborting');
  killAllSync();
  process.exit(3);
}, 20 * 60_000);
budget.unref();

async function main() {
  const started = new Date();
  log(`cluster: ${processes} streamnest hub processes on Redis Streams, ${clients} clients`);
  const servers = [];
  for (let i = 0; i < processes; i++) {
    const h = spawnChild('build/servers/streamnest-cluster.js', {
      execArgv: ['--expose-gc'],
      env: { PORT: '0', HOST: '127.0.0.1', BENCH_KEY: key },
      label: `hub ${i}`,
    });
    h.port = (await waitFor(h, (m) => m?.type === 'ready', 20_000)).port;
    servers.push(h);
  }
  const gen = new Generator({ port: servers[0].port });
  const out = { processes, clients, key };
  try {
    const per = Math.ceil(clients / processes);
    const ramp = { errors: 0, firstError: '' };
    for (let i = 0; i < processes; i++) {
      gen.port = servers[i].port;
      const r = await gen.rampTo(Math.min(clients, per * (i + 1)), 20_000);
      ramp.errors += r.errors;
      ramp.firstError ||= r.firstError;
      log(`  ramped to ${r.attempted} (held ${r.held})`);
    }
    out.held = await gen.held();
    out.connectErrors = ramp.errors;
    out.firstError = ramp.firstError;
    out.perProcess = await Promise.all(
      servers.map(async (h) => ({ clients: (await h.rpc({ cmd: 'clients' })).clients, rss: (await h.rpc({ cmd: 'mem' })).rss })),
    );
    log(`  held ${out.held} of ${clients}; per process ${out.perProcess.map((p) => p.clients).join(', ')}`);

    const publish = (b, count) => servers[0].rpc({ cmd: 'publish', batch: b, count }, 120_000);
    out.latency = await probeBroadcast(gen, servers[0], probes);
    const exact = out.latency.exact;
    log(
      `  one broadcast: p50/p99/max ${out.latency.p50.toFixed(1)}/${out.latency.p99.toFixed(1)}/${out.latency.max.toFixed(1)} ms, ${exact ? 'every client got it' : 'NOT EXACT'}`,
    );

    const r = await gen.measure(burst, (b) => publish(b, burst), 120_000);
    const secs = Number(r.last - BigInt(r.publish.startedAt)) / 1e9;
    out.throughput = { burst, expected: r.held * burst, received: r.received, exact: r.exact, eventsPerSec: r.received / secs };
    log(`  burst of ${burst}: ${r.received}/${r.held * burst} events, ${Math.round(out.throughput.eventsPerSec)} ev/s, ${r.exact ? 'exact' : 'NOT EXACT'}`);
  } finally {
    await gen.close();
    await Promise.all(servers.map((h) => h.kill()));
  }
  const run = {
    mode: 'cluster',
    command: `cd bench && npm run bench:cluster${process.argv.length > 2 ? `  (node cluster.mjs ${process.argv.slice(2).join(' ')})` : ''}`,
    date: started.toISOString(),
    finished: new Date().toISOString(),
    node: process.version,
    result: out,
  };
  refreshResults(run);
  const ok = out.held === clients && out.latency.exact && out.throughput.exact;
  log(ok ? 'cluster: every client held and every event delivered' : 'cluster: NOT every client held or every event delivered');
  return ok ? 0 : 1;
}

runMain(main);
