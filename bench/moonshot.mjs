// The moonshot: `node moonshot.mjs [--processes=6] [--levels=20000,40000,60000,100000]`.
// Six streamnest hub processes on Redis Streams behind ONE port (node:cluster,
// round-robin), and a load generator split over processes and source
// addresses (at most 10,000 streams each). At each level it reports how many
// clients are held, memory per connection, and one broadcast's latency to all
// of them, with every client checked to have got it exactly once.
//
// Memory per connection is compared with one process holding the same share
// (clients / processes) in the same run: the goal is within 1.1×, i.e. spreading
// over processes costs nothing per connection beyond each process's own base.
// Writes results/moonshot.json and refreshes RESULTS.md.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Generator, resolveWorker } from './gen/generator.mjs';
import { spawnChild, waitFor, killAllSync, runMain } from './lib/proc.mjs';
import { refreshResults } from './lib/report.mjs';
import { probeBroadcast } from './lib/broadcast-probe.mjs';
import { parseArgs, scriptName } from './lib/args.mjs';

const args = parseArgs(process.argv.slice(2));
const processes = Number(args.processes ?? 6);
const levels = String(args.levels ?? '20000,40000,60000,100000')
  .split(',')
  .map(Number);
const top = levels.at(-1);
const probes = Number(args.probes ?? 5);
const smoke = args.mode === 'smoke';
// The generator's workers: Go where it is installed (a Node worker's CPU per event received is as much as the hubs'), else Node.
const worker = resolveWorker(String(args.generator ?? 'auto'));
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const budget = setTimeout(() => {
  console.error('moonshot: over its 30 min budget, aborting');
  killAllSync();
  process.exit(3);
}, 30 * 60_000);
budget.unref();

/** Starts `count` hub processes behind one port, all on a fresh stream key. */
async function startFleet(count) {
  const h = spawnChild('build/servers/one-port.js', {
    env: { PROCESSES: String(count), ONE_PORT_SERVER: 'build/servers/streamnest-cluster.js', BENCH_KEY: `streamnest:bench:${randomUUID()}` },
    label: `${count} hub process${count > 1 ? 'es' : ''}`,
  });
  h.port = (await waitFor(h, (m) => m?.type === 'ready', 60_000)).port;
  return h;
}

/** Ramps the generator to `clients`, then reads what the fleet holds and weighs. */
async function holdAndWeigh(fleet, gen, clients, idleRss) {
  const ramp = await gen.rampTo(clients, 30_000);
  // Let the last handshakes and the hub's attach settle before counting.
  await sleep(smoke ? 200 : 2_000);
  const count = await fleet.rpc({ cmd: 'clients' }, 30_000);
  const mem = await fleet.rpc({ cmd: 'mem' }, 60_000);
  const held = await gen.held();
  return {
    clients,
    held,
    connectErrors: ramp.errors,
    firstError: ramp.firstError,
    rampMs: ramp.ms,
    perProcess: count.perProcess,
    rssPerProcess: mem.perProcess,
    rss: mem.rss,
    primaryRss: mem.primaryRss,
    rssPerConnection: (mem.rss - idleRss) / held,
  };
}

async function baseline(share) {
  log(`baseline: one hub process behind the same front, ${share} clients`);
  const fleet = await startFleet(1);
  const gen = new Generator({ port: fleet.port, worker });
  try {
    const idle = await fleet.rpc({ cmd: 'mem' }, 60_000);
    const level = await holdAndWeigh(fleet, gen, share, idle.rss);
    level.latency = await probeBroadcast(gen, fleet, probes);
    log(`  held ${level.held}; ${(level.rssPerConnection / 1024).toFixed(2)} KiB per connection; p99 ${level.latency.p99.toFixed(0)} ms`);
    return { idleRss: idle.rss, ...level };
  } finally {
    await gen.close();
    await fleet.kill();
  }
}

async function scaleOut() {
  log(`scale-out: ${processes} hub processes behind one port, levels ${levels.join(', ')}; generator workers: ${worker.name}`);
  const fleet = await startFleet(processes);
  const gen = new Generator({ port: fleet.port, worker });
  const out = [];
  try {
    const idle = await fleet.rpc({ cmd: 'mem' }, 60_000);
    for (const clients of levels) {
      const level = await holdAndWeigh(fleet, gen, clients, idle.rss);
      level.latency = await probeBroadcast(gen, fleet, probes);
      const l = level.latency;
      log(
        `  ${clients}: held ${level.held} (${level.perProcess.join(', ')}), ${(level.rssPerConnection / 1024).toFixed(2)} KiB/conn, ` +
          `p50/p99/max ${l.p50.toFixed(0)}/${l.p99.toFixed(0)}/${l.max.toFixed(0)} ms, ${l.exact ? 'every client got every probe' : 'NOT EXACT'}`,
      );
      out.push(level);
    }
    return { idleRss: idle.rss, levels: out };
  } finally {
    await gen.close();
    await fleet.kill();
  }
}

async function main() {
  const started = new Date();
  const single = await baseline(Math.ceil(top / processes));
  const fleet = await scaleOut();
  const last = fleet.levels.at(-1);
  const result = {
    processes,
    generator: worker.name,
    single,
    fleet,
    goals: {
      held: last.held === top,
      p99UnderOneSecond: last.latency.p99 < 1000,
      exact: fleet.levels.every((l) => l.latency.exact),
      rssRatio: last.rssPerConnection / single.rssPerConnection,
    },
  };
  const run = {
    mode: smoke ? 'moonshot-smoke' : 'moonshot',
    command: `cd bench && npm run ${scriptName('bench:moonshot')}${process.argv.length > 2 ? `  (node moonshot.mjs ${process.argv.slice(2).join(' ')})` : ''}`,
    date: started.toISOString(),
    finished: new Date().toISOString(),
    node: process.version,
    result,
  };
  refreshResults(run);
  const g = result.goals;
  log(
    `moonshot: ${last.held} of ${top} held; broadcast p99 ${last.latency.p99.toFixed(0)} ms; ` +
      `RSS per connection ${g.rssRatio.toFixed(2)}× one process's; ${g.exact ? 'none lost' : 'EVENTS LOST'}`,
  );
  // Only delivery and holding decide the exit code: timings are reported, never asserted.
  return g.held && g.exact ? 0 : 1;
}

runMain(main);
