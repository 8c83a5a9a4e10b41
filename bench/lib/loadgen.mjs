// The HTTP load generator for the JSON GET scenario of runtimes.mjs. One
// autocannon process tops out near 20,000-60,000 req/s on this machine's one
// client core (it is JavaScript parsing every response), below what Bun.serve
// and Deno.serve answer; wrk (C, epoll, one thread here) is several times
// cheaper per request, so on one core it stays above the servers (its ceiling
// is measured and recorded in NOTES.md). wrk comes from Debian (`apt-get
// install -y wrk`); `WRK` overrides where. Where it is missing, the GET
// scenario is skipped with the reason unless autocannon is asked for
// (`--loadgen=autocannon`), whose figures are then marked as client-bound.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SCRIPT = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));
const TICK = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)

let wrk;
/** `{ bin, version }` of wrk, or `{ missing: reason }`. */
export function findWrk() {
  if (wrk) return wrk;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const bins = process.env.WRK ? [process.env.WRK] : [...dirs.map((d) => path.join(d, 'wrk')), '/usr/bin/wrk'];
  for (const bin of bins) {
    try {
      // wrk -v prints its version and exits 1.
      const out = execFileSync(bin, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      wrk = { bin, version: versionLine(out) };
      return wrk;
    } catch (e) {
      const out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
      if (/wrk/.test(out)) {
        wrk = { bin, version: versionLine(out) };
        return wrk;
      }
    }
  }
  wrk = { missing: 'wrk is not installed (apt-get install -y wrk, or WRK=/path/to/wrk)' };
  return wrk;
}

/** CPU seconds (user + system) of a live process so far, from /proc; undefined once gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return undefined;
  }
}

/**
 * One run of `seconds` against `url` with `connections` kept-alive
 * connections, one request in flight on each. Returns
 * `{ rps, requests, errors, non2xx, p50ms, p99ms, genCpu }`; genCpu is the
 * generator's CPU over the run as a fraction of one core (for wrk, read from
 * /proc; for autocannon, this process's own).
 */
export async function loadRun(kind, { url, connections = 100, seconds = 2, threads = 1 }) {
  if (kind === 'autocannon') {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = await autocannon({ url, connections, pipelining: 1, duration: seconds });
    const cpu = process.cpuUsage(cpu0);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    return {
      rps: r.requests.total / (r.duration || seconds),
      requests: r.requests.total,
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
      genCpu: (cpu.user + cpu.system) / 1e6 / wall,
    };
  }
  const { bin, missing } = findWrk();
  if (missing) throw new Error(missing);
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '5s', '-s', SCRIPT, url];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let cpu;
  const t0 = process.hrtime.bigint();
  // Sample wrk's CPU while it runs; the last sample is taken as its summary arrives.
  const sample = () => {
    const c = cpuSeconds(child.pid);
    if (c !== undefined) cpu = c;
  };
  const timer = setInterval(sample, 100);
  child.stdout.on('data', (d) => {
    if (String(d).includes('WRK_JSON')) sample();
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk exited ${code} without a summary: ${(err || out).trim().split('\n').slice(-2).join(' | ')}`);
  const s = JSON.parse(line.slice('WRK_JSON '.length));
  return {
    rps: s.requests / (s.duration / 1e6),
    requests: s.requests,
    errors: s.connect + s.read + s.write + s.timeout,
    non2xx: s.status,
    p50ms: s.p50 / 1e3,
    p99ms: s.p99 / 1e3,
    genCpu: cpu !== undefined ? cpu / wall : Number.NaN,
  };
}

/** The first line of `wrk -v`, without its copyright. */
function versionLine(out) {
  return out
    .split('\n')[0]
    .replace(/ Copyright.*/, '')
    .trim();
}
