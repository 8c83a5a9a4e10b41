// Many private channels across processes: `node channels.mjs [--mode=full|smoke]
// [--clients=20000] [--processes=3] [--rate=2000] [--seconds=20] [--shards=32]
// [--designs=single,sharded,affinity] [--own-redis] [--generator=node|go|auto]`.
//
// Every client is a user on its own channel `user:<id>`. For each design, in
// one run, it starts `processes` streamnest servers (servers/streamnest-channels.ts,
// the hub on RedisStreamsTransport) on a fresh key, plus one more that holds no
// client and only publishes; places the users on the servers; publishes
// `rate` events a second for `seconds` seconds, each to one random user; and
// measures delivered events/s, publish-to-receive latency, the CPU of each
// server, of Redis and of the publisher, and per server the events its
// transport read against those it delivered. Then a second window at the
// same rate sends only to the users of processes 1…n-1: process 0's figures
// there are what traffic it does not deliver costs it. Every user must get
// exactly the events sent to it, in order, in both windows. Designs:
//   single    one stream: every process reads every event;
//   sharded   `shards` streams, users spread over the processes regardless of shard;
//   affinity  `shards` streams, each user on the process that owns its shard
//             (shard mod processes), as a load balancer keyed by user would place it.
// Redis: REDIS_URL, else 127.0.0.1:6379, else a redis-server started for the run;
// `--own-redis` starts one in any case, so that Redis's CPU is this run's alone.
// Exits 1 if any event is missing, extra or out of order, or a client is not
// held. Writes results/channels.json (and results/channels-<rate>.json, which
// the chart compares across rates) and refreshes RESULTS.md, except in smoke
// mode (600 clients, 2 processes, a few seconds: CI's check) unless --write.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Generator, resolveWorker } from './gen/generator.mjs';
import { parseArgs, scriptName } from './lib/args.mjs';
import { spawnChild, waitFor, killAllSync, runMain } from './lib/proc.mjs';
import { benchRedis, redisCpuMs } from './lib/redis.mjs';
import { saveRateRun } from './lib/channels-report.mjs';
import { refreshResults } from './lib/report.mjs';
import { shardOf } from 'streamnest/redis';

const MODES = {
  smoke: { clients: 600, processes: 2, rate: 300, seconds: 2, shards: 8, budgetMin: 3 },
  full: { clients: 20_000, processes: 3, rate: 2_000, seconds: 20, shards: 32, budgetMin: 30 },
};
const DESIGNS = {
  single: { label: 'one stream', sharded: false, affinity: false },
  sharded: { label: 'sharded, users spread evenly', sharded: true, affinity: false },
  affinity: { label: 'sharded, users placed by shard', sharded: true, affinity: true },
};

const args = parseArgs(process.argv.slice(2));
const modeName = args.mode ?? 'full';
if (!MODES[modeName]) {
  console.error(`unknown mode ${modeName}; use full or smoke`);
  process.exit(2);
}
const mode = { ...MODES[modeName] };
for (const k of ['clients', 'processes', 'rate', 'seconds', 'shards']) if (args[k] !== undefined) mode[k] = Number(args[k]);
const designs = (args.designs ?? 'single,sharded,affinity').split(',');
// The generator's workers: Go where it is installed (at 8,000 events/s the Node ones took most of a core and starved the servers), else Node.
const worker = resolveWorker(String(args.generator ?? 'auto'));
for (const d of designs)
  if (!DESIGNS[d]) {
    console.error(`unknown design ${d}; known: ${Object.keys(DESIGNS).join(', ')}`);
    process.exit(2);
  }
if (designs.includes('affinity') && mode.shards < mode.processes) {
  console.error(`--shards=${mode.shards} leaves a process without a shard of its own; use at least --processes=${mode.processes}`);
  process.exit(2);
}
/** The Redis of the run (lib/redis.mjs finds or starts one). */
let REDIS_URL;

const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const budget = setTimeout(
  () => {
    console.error(`channels bench: over its ${mode.budgetMin} min budget, aborting`);
    killAllSync();
    process.exit(3);
  },
  Number(args['budget-min'] ?? mode.budgetMin) * 60_000,
);
budget.unref();
const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : Number.NaN);

/** Which process each user connects to: by its shard's owner, or spread evenly (user mod processes). */
function placeUsers(design, shards) {
  const perProcess = Array.from({ length: mode.processes }, () => []);
  for (let user = 0; user < mode.clients; user++) {
    const p = design.affinity ? shardOf(`user:${user}`, shards) % mode.processes : user % mode.processes;
    perProcess[p].push(user);
  }
  return perProcess;
}

async function startServer(label, key, shards) {
  const h = spawnChild('build/servers/streamnest-channels.js', {
    env: { PORT: '0', HOST: '127.0.0.1', BENCH_KEY: key, BENCH_SHARDS: String(shards), REDIS_URL },
    label,
  });
  h.port = (await waitFor(h, (m) => m?.type === 'ready', 20_000)).port;
  return h;
}

/**
 * One measured window: the publisher sends `mode.rate` events a second for
 * `mode.seconds` to random users (of `only` if given), from its first event
 * to its last settled XADD; then delivery is awaited (bounded) and checked
 * per user. Returns the window's figures.
 */
async function measureWindow(servers, publisher, gen, redis, only) {
  const all = [...servers, publisher];
  const out = {};
  const before = await Promise.all(all.map((h) => h.rpc({ cmd: 'usage' })));
  await Promise.all(servers.map((h) => h.rpc({ cmd: 'lag-reset' })));
  const redisBefore = await redisCpuMs(redis);
  const t0 = process.hrtime.bigint();
  const batch = await gen.flowStart();
  const pub = await publisher.rpc(
    { cmd: 'publish-users', batch, users: mode.clients, rate: mode.rate, seconds: mode.seconds, only },
    mode.seconds * 1_000 + 60_000,
  );
  const after = await Promise.all(all.map((h) => h.rpc({ cmd: 'usage' })));
  const redisAfter = await redisCpuMs(redis);
  // Other load on the machine shows here: the 1-minute load average at the window's end.
  out.loadAverage = os.loadavg()[0];
  const windowMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const lags = await Promise.all(servers.map((h) => h.rpc({ cmd: 'lag' })));

  // Delivery finishes a little after the last publish: wait for it, bounded.
  const expected = pub.sent - pub.failed;
  const drainUntil = Date.now() + 15_000;
  while ((await gen.flowCount()) < expected && Date.now() < drainUntil) await sleep(100);
  await sleep(200); // anything extra shows up too
  const flow = await gen.flowEnd();

  let lost = 0;
  let extra = 0;
  for (let user = 0; user < mode.clients; user++) {
    const got = flow.got.get(user) ?? 0;
    const sent = pub.counts[user];
    if (got < sent) lost += sent - got;
    else extra += got - sent;
  }
  const lats = flow.lats.sort((a, b) => a - b);
  const secs = (ns) => Number(ns) / 1e9;
  out.published = pub.sent;
  out.failed = pub.failed;
  out.publishError = pub.firstError;
  out.publishPerSec = pub.sent / (pub.publishMs / 1e3);
  out.received = flow.received;
  out.lost = lost;
  out.extra = extra;
  out.outOfOrder = flow.outOfOrder;
  out.dead = flow.dead;
  out.deliveredPerSec = flow.received / secs(flow.last - BigInt(pub.startedAt));
  out.latency = { p50: pct(lats, 0.5) / 1e3, p99: pct(lats, 0.99) / 1e3, max: (lats.at(-1) ?? Number.NaN) / 1e3 };
  out.windowMs = windowMs;
  const cpuPct = (p) => ((after[p].cpuMs - before[p].cpuMs) / windowMs) * 100;
  const perSec = (p, field) => (after[p][field] - before[p][field]) / (windowMs / 1e3);
  out.perProcess = servers.map((_, p) => ({
    clients: after[p].subscribers,
    cpuPct: cpuPct(p),
    readPerSec: perSec(p, 'read'),
    deliveredPerSec: perSec(p, 'delivered'),
    shardsRead: after[p].reading.length,
    lagP99: lags[p].p99,
  }));
  out.publisherCpuPct = cpuPct(servers.length);
  out.publisherReadPerSec = perSec(servers.length, 'read');
  out.redisCpuPct = ((redisAfter - redisBefore) / windowMs) * 100;
  out.generatorCpuPct = (flow.cpuMs / flow.wallMs) * 100;
  out.generatorWorkers = gen.workers.length;
  out.exact = pub.failed === 0 && lost === 0 && extra === 0 && flow.outOfOrder === 0;
  return out;
}

/** What a window's figures say, as log lines. */
function windowLog(w) {
  return [
    `  published ${w.published} (${Math.round(w.publishPerSec)}/s), received ${w.received} (${Math.round(w.deliveredPerSec)}/s); lost ${w.lost}, extra ${w.extra}, out of order ${w.outOfOrder}${w.failed ? `, ${w.failed} publishes failed (${w.publishError})` : ''}`,
    `  latency p50/p99/max ${[w.latency.p50, w.latency.p99, w.latency.max].map((x) => x.toFixed(1)).join('/')} ms`,
    `  per process: CPU ${w.perProcess.map((x) => `${x.cpuPct.toFixed(1)}%`).join(', ')}; read/s ${w.perProcess.map((x) => Math.round(x.readPerSec)).join(', ')}; delivered/s ${w.perProcess.map((x) => Math.round(x.deliveredPerSec)).join(', ')}`,
    `  Redis CPU ${w.redisCpuPct.toFixed(1)}%, publisher CPU ${w.publisherCpuPct.toFixed(1)}%, generator ${Math.round(w.generatorCpuPct)}% over ${w.generatorWorkers} worker(s), load average ${w.loadAverage.toFixed(1)}`,
  ];
}

async function runDesign(name, redis) {
  const design = DESIGNS[name];
  const shards = design.sharded ? mode.shards : 1;
  const key = `streamnest:bench:channels:${randomUUID()}`;
  log(`${name} (${design.label}): ${mode.processes} processes, ${shards} shard${shards === 1 ? '' : 's'}, key ${key}`);
  const servers = [];
  let publisher;
  const gen = new Generator({ port: 0, path: '/sse?user={user}', worker });
  const out = { name, label: design.label, shards, key };
  try {
    const started = await Promise.allSettled([
      ...Array.from({ length: mode.processes }, (_, i) => startServer(`server ${i}`, key, shards)),
      startServer('publisher', key, shards),
    ]);
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    publisher = servers.pop();
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const all = [...servers, publisher];

    // Placement, then the check that the shard arithmetic matches the servers'.
    const rampStart = Date.now();
    log(`  ${all.length} processes up`);
    const placed = placeUsers(design, shards);
    out.connectErrors = 0;
    out.firstError = '';
    for (let p = 0; p < mode.processes; p++) {
      const r = await gen.connectUsers(servers[p].port, placed[p], 20_000);
      out.connectErrors += r.errors;
      out.firstError ||= r.firstError;
    }
    out.held = await gen.held();
    out.rampMs = Date.now() - rampStart;
    const start = await Promise.all(servers.map((h) => h.rpc({ cmd: 'usage' })));
    out.shardsAsPlaced = start.every((u, p) => {
      const expected = [...new Set(placed[p].map((user) => shardOf(`user:${user}`, shards)))].sort((a, b) => a - b);
      return u.reading.join() === expected.join();
    });
    log(
      `  held ${out.held} of ${mode.clients}; per process ${start.map((u) => u.subscribers).join(', ')}; shards read ${start.map((u) => u.reading.length).join(', ')}; connected in ${out.rampMs} ms`,
    );
    await sleep(1_000);

    Object.assign(out, await measureWindow(servers, publisher, gen, redis));
    for (const line of windowLog(out)) log(line);
    if (!out.shardsAsPlaced) log('  a process reads other shards than placed on it');

    // The same rate again, but only to the users of the other processes: what process 0 then spends is what
    // traffic it does not deliver costs it. Placed by shard it reads none of it; on one stream it reads it all.
    const others = placed.slice(1).flat();
    log(`  again, only to the ${others.length} users of processes 1…${mode.processes - 1}:`);
    out.othersOnly = await measureWindow(servers, publisher, gen, redis, others);
    for (const line of windowLog(out.othersOnly)) log(line);
    out.exact = out.held === mode.clients && out.shardsAsPlaced && out.exact && out.othersOnly.exact;
  } finally {
    await gen.close();
    await Promise.all([...servers, publisher].filter(Boolean).map((h) => h.kill()));
    // The run's keys go: nothing of it is left in a shared Redis.
    const keys = [key, `${key}:shards`, ...Array.from({ length: shards }, (_, s) => `${key}:{${s}}`)];
    await redis.del(...keys).catch((e) => log(`  could not delete the run's keys: ${e.message}`));
  }
  return out;
}

async function main() {
  const started = new Date();
  const redis = await benchRedis({ ownServer: args['own-redis'] === 'true' });
  REDIS_URL = redis.url;
  log(
    `channels (${modeName}): ${mode.clients} clients on private channels, ${mode.processes} processes, ${mode.rate} events/s for ${mode.seconds} s; designs ${designs.join(', ')}; Redis ${REDIS_URL}${redis.own ? ' (started for this run)' : ''}`,
  );
  const results = [];
  try {
    for (const name of designs) results.push(await runDesign(name, redis.client));
  } finally {
    redis.stop();
  }
  const run = {
    mode: 'channels',
    command: `cd bench && npm run ${scriptName('bench:channels')}${process.argv.length > 2 ? `  (node channels.mjs ${process.argv.slice(2).join(' ')})` : ''}`,
    date: started.toISOString(),
    finished: new Date().toISOString(),
    node: process.version,
    machine: { cpus: os.availableParallelism?.() ?? os.cpus().length, model: os.cpus()[0]?.model },
    redis: redis.own ? 'a redis-server of its own' : 'shared',
    generator: worker.name,
    params: { clients: mode.clients, processes: mode.processes, rate: mode.rate, seconds: mode.seconds, shards: mode.shards },
    designs: results,
  };
  if (modeName !== 'smoke' || args.write) {
    saveRateRun(run);
    refreshResults(run);
  }
  const bad = results.filter((r) => !r.exact);
  for (const r of bad)
    log(
      `${r.name}: NOT every event delivered exactly (held ${r.held}/${mode.clients}, lost ${r.lost}, extra ${r.extra}, out of order ${r.outOfOrder}, failed publishes ${r.failed}${r.shardsAsPlaced ? '' : ', shards read differ from placement'})`,
    );
  log(bad.length === 0 ? 'channels: every user got exactly its events, in every design' : 'channels: FAILED');
  return bad.length === 0 ? 0 : 1;
}

runMain(main);
