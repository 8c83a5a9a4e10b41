// Profiles one server under the JSON GET load: `node profile.mjs [server] [seconds]`
// (default streamnest, 10 s). Starts it with `node --cpu-prof`, loads it with
// autocannon, stops it, and prints the functions with the most self time and
// the streamnest functions with the most inclusive time.
import { readdirSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { spawnChild, waitFor, pin } from './lib/proc.mjs';
import { SERVERS } from './lib/servers.mjs';

const name = process.argv[2] ?? 'streamnest';
const seconds = Number(process.argv[3] ?? 10);
const s = SERVERS.find((x) => x.name === name);
if (!s) {
  console.error(`unknown server ${name}`);
  process.exit(2);
}
if (s.anchor) {
  console.error(`${name} is an anchor (not Node): nothing here to profile`);
  process.exit(2);
}
const dir = path.resolve('build/prof', name);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
pin(process.pid, 1);

const h = spawnChild(`build/servers/${s.file}.js`, { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`], env: { PORT: '0' }, cpu: 0, label: name });
const { port } = await waitFor(h, (m) => m?.type === 'ready', 20_000);
await autocannon({ url: `http://127.0.0.1:${port}/json`, connections: 100, duration: 1 });
const r = await autocannon({ url: `http://127.0.0.1:${port}/json`, connections: 100, duration: seconds });
console.log(`${name}: ${Math.round(r.requests.total / r.duration)} req/s under the profiler`);
h.child.send({ cmd: 'exit' });
await h.exited;

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const key = (n) => {
  const f = n.callFrame;
  const url = f.url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, '')
    .replace(/.*\/wt-bench\//, '');
  return `${f.functionName || '(anonymous)'} ${url}${url ? `:${f.lineNumber + 1}` : ''}`;
};
const self = new Map();
for (const n of prof.nodes) self.set(key(n), (self.get(key(n)) ?? 0) + (dt.get(n.id) ?? 0));
// Inclusive time: a node's own samples plus its subtree, counted once per key on each stack.
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (const [id, t] of dt) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur));
    if (!seen.has(k)) {
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + t);
    }
  }
}
const pct = (t) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
console.log('\nTop self time:');
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(t)}  ${k}`);
console.log('\nTop inclusive time in streamnest (dist/):');
for (const [k, t] of [...incl]
  .filter(([k]) => k.includes('dist/'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25))
  console.log(`  ${pct(t)}  ${k}`);
console.log(`\nprofile: ${path.join(dir, file)}`);
process.exit(0);
