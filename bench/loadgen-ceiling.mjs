// How fast the GET load generators go on this machine's client core:
//   node loadgen-ceiling.mjs [--seconds=3] [--rounds=2] [--runtimes=bun,deno,node]
// Each runtime's bare server (Bun.serve, Deno.serve, raw node:http) runs on
// CPU 0 and is loaded from CPU 1 by wrk (one thread) and by autocannon (in
// this process), 100 connections each, alternating. For every run it prints
// req/s, the server's CPU and the generator's CPU (fractions of a core); the
// generator's ceiling is req/s ÷ its CPU fraction, what it would reach with
// its whole core. A generator is the limit of a run when it is near its core
// (above 90%) and the server is not.
import { parseArgs } from './lib/args.mjs';
import { findWrk, loadRun } from './lib/loadgen.mjs';
import { pin, runMain, spawnChild, tasksetAvailable, waitFor } from './lib/proc.mjs';
import { findRuntime, forkOptions } from './lib/runtime-bin.mjs';

const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.seconds ?? 3);
const rounds = Number(args.rounds ?? 2);
const runtimes = (args.runtimes ?? 'bun,deno,node').split(',');
const FILES = { node: 'raw', deno: 'bare-web', bun: 'bare-web' };
const pinned = tasksetAvailable();
pin(process.pid, pinned ? 1 : undefined);

async function main() {
  const wrk = findWrk();
  const gens = wrk.missing ? ['autocannon'] : ['wrk', 'autocannon'];
  if (wrk.missing) console.log(`wrk: ${wrk.missing}; autocannon only`);
  const rows = [];
  for (const name of runtimes) {
    const rt = findRuntime(name);
    if (rt.missing) {
      console.log(`${name}: skipped (${rt.missing})`);
      continue;
    }
    const h = spawnChild(`build/servers/${FILES[name]}.js`, {
      ...forkOptions(rt),
      env: { PORT: '0', HOST: '127.0.0.1' },
      cpu: pinned ? 0 : undefined,
      label: name,
    });
    try {
      const { port } = await waitFor(h, (m) => m?.type === 'ready', 30_000);
      const url = `http://127.0.0.1:${port}/json`;
      for (const g of gens) await loadRun(g, { url, seconds: 1 });
      for (let i = 0; i < rounds; i++)
        for (const g of gens) {
          const c0 = (await h.rpc({ cmd: 'cpu' })).cpuMs;
          const t0 = Date.now();
          const r = await loadRun(g, { url, seconds });
          const serverCpu = ((await h.rpc({ cmd: 'cpu' })).cpuMs - c0) / (Date.now() - t0);
          const row = {
            runtime: name,
            generator: g,
            rps: Math.round(r.rps),
            serverCpu,
            genCpu: r.genCpu,
            ceiling: Math.round(r.rps / r.genCpu),
            errors: r.errors + r.non2xx,
          };
          rows.push(row);
          console.log(
            `${name} ${FILES[name]} ← ${g}: ${row.rps} req/s, server CPU ${Math.round(serverCpu * 100)}%, generator CPU ${Math.round(r.genCpu * 100)}%, generator ceiling ≈ ${row.ceiling} req/s${row.errors ? `, ${row.errors} errors` : ''}`,
          );
        }
    } finally {
      await h.kill();
    }
  }
  for (const g of gens) {
    const xs = rows.filter((r) => r.generator === g);
    if (xs.length)
      console.log(
        `${g}: best ${Math.max(...xs.map((r) => r.rps))} req/s; ceiling (median of runs) ≈ ${xs.map((r) => r.ceiling).sort((a, b) => a - b)[xs.length >> 1]} req/s`,
      );
  }
  return 0;
}

runMain(main);
