// CPU time per request of two HTTP servers, measured in pairs:
//   node paired-cpu.mjs [--pairs=8] [--seconds=2] [--path=/json] "<command A>" "<command B>"
// Each command starts a server that listens on $PORT (given in its
// environment, with HOST=127.0.0.1), e.g. "SN_ENGINE=auto deno run -A
// build/servers/streamnest-per-client.js". Both are pinned to core 0 and wrk
// (one thread, 100 connections) to core 1. In each pair A and B get the same
// wrk run one after the other, in alternating order, so the machine's drift
// over the minute cancels in their ratio. A server's CPU per request is its
// user + system ticks (/proc/<pid>/stat) over the run ÷ the requests wrk
// counted. Prints each server's median and the median ratio A/B (below 1: A is
// cheaper). Linux only; needs taskset and wrk.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from './lib/args.mjs';
import { listening } from './lib/ports.mjs';

const argv = process.argv.slice(2);
const args = parseArgs(argv.filter((a) => a.startsWith('--')));
const commands = argv.filter((a) => !a.startsWith('--'));
if (commands.length !== 2) {
  console.error('usage: node paired-cpu.mjs [--pairs=8] [--seconds=2] [--path=/json] "<command A>" "<command B>"');
  process.exit(2);
}
const pairs = Number(args.pairs ?? 8);
const seconds = Number(args.seconds ?? 2);
const path = args.path ?? '/json';
const TICKS_PER_SECOND = 100; // USER_HZ

/** user + system clock ticks of a process so far (fields 14 and 15 of /proc/<pid>/stat). */
function ticks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** One wrk run against a server: its CPU µs per request. */
function cpuPerRequest(server) {
  const before = ticks(server.child.pid);
  const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', '-c100', `-d${seconds}s`, `http://127.0.0.1:${server.port}${path}`], { encoding: 'utf8' });
  const used = ticks(server.child.pid) - before;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  if (!(requests > 0)) throw new Error(`wrk counted no requests:\n${out}`);
  return (used * (1e6 / TICKS_PER_SECOND)) / requests;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const servers = commands.map((command, i) => {
  const port = 4100 + i;
  // `env` runs a command that starts with VAR=value assignments; every exec keeps the pid.
  const child = spawn('taskset', ['-c', '0', 'bash', '-c', `exec env ${command}`], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { command, port, child, runs: [] };
});
try {
  for (const s of servers) await listening(s.port);
  for (const s of servers) cpuPerRequest(s); // warm-up
  const ratios = [];
  for (let p = 0; p < pairs; p++) {
    const order = p % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) servers[i].runs.push(cpuPerRequest(servers[i]));
    ratios.push(servers[0].runs.at(-1) / servers[1].runs.at(-1));
  }
  for (const s of servers) console.log(`${median(s.runs).toFixed(2)} µs/request (${s.runs.map((v) => v.toFixed(1)).join(', ')})  ${s.command}`);
  console.log(`median ratio A/B ${median(ratios).toFixed(3)} (${ratios.map((v) => v.toFixed(3)).join(', ')})`);
} finally {
  for (const s of servers) s.child.kill('SIGKILL');
}
