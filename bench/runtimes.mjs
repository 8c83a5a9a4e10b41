// The same scenarios on Node, Deno and Bun in one run, each runtime's servers
// against the best peer on that runtime:
//   node runtimes.mjs --mode=full|quick|smoke [--runtimes=node,deno,bun]
//     [--levels=1000,10000] [--json-rounds=3] [--json-seconds=2]
//     [--engines=auto,node] [--loadgen=wrk|autocannon] [--write]
// Every server runs in its own process under its runtime's binary
// (lib/runtime-bin.mjs), pinned to CPU 0; the runner, wrk and the SSE
// generator's workers run on CPU 1. The SSE scenarios are run.mjs's
// (lib/sse-phase.mjs); the JSON GET is driven by wrk (lib/loadgen.mjs), each
// server paired with its runtime's bare server, back to back, alternating.
// A runtime whose binary is missing, or wrk where it is missing, is skipped
// with the reason printed; that is never a failure.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from './lib/args.mjs';
import { syncClock } from './lib/clock.mjs';
import { findWrk, loadRun } from './lib/loadgen.mjs';
import { boundRun, pin, readBuildErrors, runMain, spawnChild, tasksetAvailable, waitFor } from './lib/proc.mjs';
import { machineInfo } from './lib/machine.mjs';
import { findRuntime, forkOptions } from './lib/runtime-bin.mjs';
import { missed, renderRuntimes, writeRuntimes } from './lib/runtimes-report.mjs';
import { measureSse } from './lib/sse-phase.mjs';

const MODES = {
  smoke: { levels: [300], probes: 2, bursts: 1, burst: 20, jsonRounds: 1, jsonSeconds: 1, budgetMin: 8 },
  quick: { levels: [200, 1000], probes: 5, bursts: 3, burst: 100, jsonRounds: 3, jsonSeconds: 1, budgetMin: 25 },
  full: { levels: [1000, 10000], probes: 5, bursts: 3, burst: 0, jsonRounds: 3, jsonSeconds: 2, budgetMin: 60 },
};
const RUNTIMES = ['node', 'deno', 'bun'];
const ENGINES = ['auto', 'node', 'web'];

const args = parseArgs(process.argv.slice(2));
const modeName = args.mode ?? 'quick';
if (!MODES[modeName]) {
  console.error(`unknown mode ${modeName}; use quick, full or smoke`);
  process.exit(2);
}
const mode = { ...MODES[modeName] };
if (args.levels) mode.levels = args.levels.split(',').map(Number);
if (args.probes) mode.probes = Number(args.probes);
if (args.bursts) mode.bursts = Number(args.bursts);
if (args['json-rounds']) mode.jsonRounds = Number(args['json-rounds']);
if (args['json-seconds']) mode.jsonSeconds = Number(args['json-seconds']);
const runtimes = (args.runtimes ?? RUNTIMES.join(',')).split(',');
const engines = (args.engines ?? 'auto').split(',');
const loadgen = args.loadgen ?? 'wrk';
for (const [what, list, known] of [
  ['runtime', runtimes, RUNTIMES],
  ['engine', engines, ENGINES],
  ['load generator', [loadgen], ['wrk', 'autocannon']],
])
  for (const x of list)
    if (!known.includes(x)) {
      console.error(`unknown ${what} ${x}; known: ${known.join(', ')}`);
      process.exit(2);
    }

/**
 * Each runtime's servers. `bare` is the floor the JSON GET is paired with;
 * `sameHeaders` is that floor answering with the headers streamnest's JSON
 * carries (its type and `nosniff`), to which streamnest is paired as well,
 * so a runtime's own price for a header shows apart from the framework's;
 * `peer` marks the servers streamnest is compared with (the best of them per
 * figure): raw node:http and better-sse on Node, Hono's streamSSE on Deno and
 * Bun. streamnest servers run once per engine in `--engines`, except on Node
 * where every engine is node:http.
 */
function serversOf(runtime) {
  const native = runtime === 'deno' ? 'Deno.serve' : 'Bun.serve';
  const peers =
    runtime === 'node'
      ? [
          { name: 'raw', file: 'raw', bare: true, peer: true, json: true, label: 'raw node:http' },
          { name: 'raw-same-headers', file: 'raw', sameHeaders: true, json: true, jsonOnly: true, label: 'raw node:http, streamnest’s JSON headers' },
          { name: 'better-sse', file: 'better-sse', peer: true, label: 'better-sse Channel (node:http)' },
        ]
      : [
          { name: 'bare', file: 'bare-web', bare: true, json: true, label: `bare ${native}` },
          { name: 'bare-same-headers', file: 'bare-web', sameHeaders: true, json: true, jsonOnly: true, label: `bare ${native}, streamnest’s JSON headers` },
          { name: 'hono', file: 'hono-web', peer: true, json: true, label: `Hono streamSSE per-client loop (${native})` },
          { name: 'hono-hub', file: 'hono-web-hub', peer: true, label: `Hono streamSSE hub (${native})` },
        ];
  const streamnest = [];
  for (const engine of runtime === 'node' ? ['auto'] : engines) {
    const tag = engine === 'auto' ? '' : `[${engine}]`;
    streamnest.push(
      { name: `streamnest${tag}`, file: 'streamnest-per-client', streamnest: true, engine, json: true, label: 'streamnest per-client (getSSEStream + Set)' },
      { name: `streamnest-hub${tag}`, file: 'streamnest-hub', streamnest: true, hub: true, engine, label: 'streamnest SseHub' },
    );
  }
  return [...peers, ...streamnest];
}

const ncpu = os.availableParallelism?.() ?? os.cpus().length;
const SERVER_CPU = ncpu >= 2 && tasksetAvailable() ? 0 : undefined;
const CLIENT_CPU = ncpu >= 2 && tasksetAvailable() ? 1 : undefined;
pin(process.pid, CLIENT_CPU); // wrk and the generator's workers inherit it

const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

boundRun(Number(args['budget-min'] ?? mode.budgetMin));

const buildErrors = readBuildErrors();

/** Starts one server under its runtime; on Deno and Bun puts its event stamps on this process's clock. */
async function startServer(rt, s) {
  if (buildErrors[s.file]) throw new Error(`build failed: ${buildErrors[s.file][0]}`);
  const file = `build/servers/${s.file}.js`;
  if (!existsSync(file)) throw new Error(`${file} is missing; run npm run build`);
  const env = { PORT: '0', HOST: '127.0.0.1', ...(s.engine ? { SN_ENGINE: s.engine } : {}), ...(s.sameHeaders ? { SAME_HEADERS: '1' } : {}) };
  const h = spawnChild(file, { ...forkOptions(rt), env, cpu: SERVER_CPU, label: `${rt.runtime}/${s.name}` });
  try {
    const ready = await waitFor(h, (m) => m?.type === 'ready', 30_000);
    h.port = ready.port;
    h.serverKind = ready.server;
    if (rt.runtime !== 'node') h.clock = await syncClock(h);
  } catch (e) {
    await h.kill();
    throw new Error(`start failed: ${e.message}`);
  }
  return h;
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One load run against a server, with the server's own CPU over it (fraction of a core). */
async function oneGet(h, seconds) {
  const c0 = (await h.rpc({ cmd: 'cpu' })).cpuMs;
  const t0 = process.hrtime.bigint();
  const r = await loadRun(loadgen, { url: `http://127.0.0.1:${h.port}/json`, connections: 100, seconds });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c1 = (await h.rpc({ cmd: 'cpu' })).cpuMs;
  return { ...r, serverCpu: (c1 - c0) / wallMs };
}

// ---------- JSON GET, paired with the runtime's bare server ----------
async function jsonPhase(rt, list, results) {
  const gen = loadgen === 'wrk' ? findWrk() : { version: 'autocannon (in the runner, one core)' };
  if (gen.missing) {
    for (const s of list) results[s.name].json = { skipped: gen.missing };
    log(`  JSON GET skipped: ${gen.missing}`);
    return;
  }
  const live = new Map();
  try {
    for (const s of list) {
      try {
        const h = await startServer(rt, s);
        live.set(s.name, h);
        results[s.name].serverKind = h.serverKind;
      } catch (e) {
        results[s.name].json = { skipped: e.message.split('\n')[0] };
        log(`  ${s.name}: skipped (${results[s.name].json.skipped})`);
      }
    }
    for (const [name, h] of live) {
      await oneGet(h, 1);
      log(`  warmed ${name}`);
    }
    const bare = list.find((s) => s.bare)?.name;
    const hasBare = live.has(bare);
    const same = list.find((s) => s.sameHeaders)?.name;
    const samples = Object.fromEntries([...live.keys()].map((n) => [n, []]));
    const ratios = Object.fromEntries([...live.keys()].map((n) => [n, []]));
    const sameRatios = Object.fromEntries([...live.keys()].map((n) => [n, []]));
    const streamnest = new Set(list.filter((s) => s.streamnest).map((s) => s.name));
    const one = async (name, round) => {
      const x = await oneGet(live.get(name), mode.jsonSeconds);
      log(
        `  round ${round + 1} ${name}: ${Math.round(x.rps)} req/s (errors ${x.errors}, non-2xx ${x.non2xx}; server CPU ${Math.round(x.serverCpu * 100)}%, generator CPU ${Math.round(x.genCpu * 100)}%)`,
      );
      return x;
    };
    for (let round = 0; round < mode.jsonRounds; round++) {
      for (const name of live.keys()) {
        if (name === bare) continue;
        if (!hasBare) {
          samples[name].push(await one(name, round));
          continue;
        }
        const bareFirst = round % 2 === 0;
        const a = await one(bareFirst ? bare : name, round);
        const b = await one(bareFirst ? name : bare, round);
        const [bx, x] = bareFirst ? [a, b] : [b, a];
        samples[bare].push(bx);
        samples[name].push(x);
        ratios[name].push(x.rps / bx.rps);
        if (streamnest.has(name) && live.has(same)) {
          // A second pair against the floor sending the same headers, in the other order.
          const c = await one(bareFirst ? name : same, round);
          const d = await one(bareFirst ? same : name, round);
          const [sx, y] = bareFirst ? [d, c] : [c, d];
          sameRatios[name].push(y.rps / sx.rps);
        }
      }
      if (live.size === 1 && hasBare) samples[bare].push(await one(bare, round));
    }
    // Best over best, as in run.mjs: other load only ever slows a run down.
    const bestOf = (xs) => xs.reduce((a, b) => (b.rps > a.rps ? b : a));
    const bestBare = hasBare && samples[bare].length ? bestOf(samples[bare]).rps : undefined;
    for (const [name, xs] of Object.entries(samples)) {
      if (!xs.length) continue;
      const best = bestOf(xs);
      results[name].json = {
        rps: best.rps,
        median: median(xs.map((x) => x.rps)),
        samples: xs.map((x) => Math.round(x.rps)),
        ratio: bestBare ? best.rps / bestBare : undefined,
        medianPairRatio: ratios[name].length ? median(ratios[name]) : undefined,
        pairRatios: ratios[name].map((r) => +r.toFixed(3)),
        sameHeadersPairRatios: sameRatios[name].length ? sameRatios[name].map((r) => +r.toFixed(3)) : undefined,
        sameHeadersMedianPairRatio: sameRatios[name].length ? median(sameRatios[name]) : undefined,
        errors: xs.reduce((n, x) => n + x.errors + x.non2xx, 0),
        p99ms: Math.max(...xs.map((x) => x.p99ms)),
        serverCpu: best.serverCpu,
        genCpu: best.genCpu,
        // The generator, not the server, set the pace: it was near its core and the server was not.
        clientBound: best.genCpu > 0.9 && best.serverCpu < 0.9,
      };
    }
  } finally {
    await Promise.all([...live.values()].map((h) => h.kill()));
  }
}

async function ssePhase(rt, s, out, result) {
  const h = await startServer(rt, s);
  result.serverKind = h.serverKind;
  if (h.clock) result.clock = h.clock;
  try {
    await measureSse(h, out, { name: `${rt.runtime}/${s.name}`, mode, clientCpu: CLIENT_CPU, log });
  } finally {
    await h.kill();
  }
}

async function runRuntime(name) {
  const rt = findRuntime(name);
  const section = { runtime: name };
  if (rt.missing) {
    section.skipped = rt.missing;
    log(`${name}: skipped (${rt.missing})`);
    return section;
  }
  section.version = rt.version;
  section.bin = rt.from;
  const list = serversOf(name);
  const results = Object.fromEntries(
    list.map((s) => [
      s.name,
      {
        name: s.name,
        label: s.label,
        bare: !!s.bare,
        peer: !!s.peer,
        streamnest: !!s.streamnest,
        hub: !!s.hub,
        engine: s.engine,
        jsonOnly: !!s.jsonOnly,
        sse: {},
      },
    ]),
  );
  log(`${name} ${rt.version}: servers ${list.map((s) => s.name).join(', ')}`);
  if (mode.jsonRounds > 0) {
    const json = list.filter((s) => s.json);
    log(
      `${name} JSON GET: ${json.map((s) => s.name).join(', ')}; ${mode.jsonRounds} rounds of ${mode.jsonSeconds}s runs paired with the bare server, ${loadgen}, 100 connections`,
    );
    await jsonPhase(rt, json, results);
  }
  for (const s of list.filter((x) => !x.jsonOnly)) {
    log(`${name} SSE: ${s.name}`);
    try {
      await ssePhase(rt, s, results[s.name].sse, results[s.name]);
    } catch (e) {
      results[s.name].sse.skipped = e.message.split('\n')[0];
      log(`  ${s.name}: skipped (${results[s.name].sse.skipped})`);
    }
  }
  section.results = Object.values(results);
  return section;
}

async function main() {
  const started = new Date();
  const loadStart = os.loadavg().map((x) => +x.toFixed(2));
  const wrk = loadgen === 'wrk' ? findWrk() : undefined;
  log(
    `runtimes ${modeName}: ${runtimes.join(', ')}; engines ${engines.join(', ')}; levels ${mode.levels.join(', ')}; GET load generator ${loadgen}${wrk?.missing ? ` (${wrk.missing}: GET skipped)` : wrk ? ` (${wrk.version})` : ''}; server CPU ${SERVER_CPU ?? 'any'}, client CPU ${CLIENT_CPU ?? 'any'}`,
  );
  const sections = [];
  for (const r of runtimes) sections.push(await runRuntime(r));
  const run = {
    kind: 'runtimes',
    mode: modeName,
    command: `cd bench && ${modeName === 'full' && process.argv.length <= 3 ? 'npm run bench:runtimes' : `node runtimes.mjs ${process.argv.slice(2).join(' ')}`}`,
    date: started.toISOString(),
    finished: new Date().toISOString(),
    node: process.version,
    loadgen:
      loadgen === 'wrk' ? (wrk.missing ? { name: 'wrk', missing: wrk.missing } : { name: 'wrk', version: wrk.version, threads: 1 }) : { name: 'autocannon' },
    engines,
    machine: machineInfo(SERVER_CPU !== undefined),
    load: { start: loadStart, end: os.loadavg().map((x) => +x.toFixed(2)) },
    levels: mode.levels,
    jsonRounds: mode.jsonRounds,
    jsonSeconds: mode.jsonSeconds,
    runtimes: sections,
  };
  console.log(`\n${renderRuntimes(run)}`);
  if (modeName !== 'smoke' || args.write) writeRuntimes(run);

  // Every server that started must have delivered every event exactly; a
  // missing runtime or wrk is a skip, never a failure.
  const failures = [];
  for (const sec of sections) {
    for (const r of sec.results ?? []) {
      if (r.sse.skipped) {
        if (!/build failed/.test(r.sse.skipped)) failures.push(`${sec.runtime}/${r.name}: ${r.sse.skipped}`);
        continue;
      }
      for (const lv of r.sse.levels ?? []) {
        if (lv.held !== lv.clients) failures.push(`${sec.runtime}/${r.name}: held ${lv.held}/${lv.clients}`);
        if (!lv.latency.exact || !lv.throughput.exact) failures.push(`${sec.runtime}/${r.name}: not every client got every event: ${missed(lv)}`);
      }
      if (r.json?.errors) failures.push(`${sec.runtime}/${r.name}: ${r.json.errors} GET errors or non-2xx`);
    }
  }
  const skipped = sections.filter((s) => s.skipped).map((s) => `${s.runtime}: ${s.skipped}`);
  if (wrk?.missing && mode.jsonRounds > 0) skipped.push(`JSON GET: ${wrk.missing}`);
  if (skipped.length) console.log(`\nSkipped:\n  ${skipped.join('\n  ')}`);
  if (failures.length) console.log(`\nDelivery failures:\n  ${failures.join('\n  ')}`);
  return modeName === 'smoke' && failures.length ? 1 : 0;
}

runMain(main);
