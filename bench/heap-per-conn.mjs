// JavaScript heap per open SSE stream, by what holds it, for Node servers:
//   node heap-per-conn.mjs [--clients=3000] raw streamnest-hub [more servers]
// Each server (build/servers/<name>.js) runs under `node --heapsnapshot-signal`;
// after a warm-up it writes a V8 heap snapshot with no client (V8 collects
// garbage first), then one with `--clients` streams held open on /sse. The
// growth between the two, grouped by constructor (or V8's own kind, in
// parentheses), is divided by the clients. RSS per connection moves by ±5%
// between runs of one server (what the allocator and V8 keep committed); these
// figures are exact to the byte, so they show what a change saved.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from './lib/args.mjs';
import { freePort, listening } from './lib/ports.mjs';

const argv = process.argv.slice(2);
const args = parseArgs(argv.filter((a) => a.startsWith('--')));
const names = argv.filter((a) => !a.startsWith('--'));
const clients = Number(args.clients ?? 3000);
if (names.length === 0 || !(clients > 0)) {
  console.error('usage: node heap-per-conn.mjs [--clients=3000] <server> [<server>…]   (servers from build/servers/, e.g. raw streamnest-hub)');
  process.exit(2);
}

/** Opens `n` streams on /sse (spread over source addresses 127.0.0.2–51) and resolves once each has its head. */
async function hold(port, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const requests = [];
  await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/sse', agent, localAddress: `127.0.0.${2 + (i % 50)}` }, (res) => {
            res.on('data', () => {});
            resolve();
          });
          req.on('error', reject);
          requests.push(req);
        }),
    ),
  );
  return () => {
    for (const req of requests) req.destroy();
    agent.destroy();
  };
}

/** Signals the server to write a snapshot and waits until the new file stops growing. */
async function snapshot(child, dir) {
  const before = new Set(readdirSync(dir));
  child.kill('SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const path = join(dir, file);
    // The file appears before V8 has collected garbage and written it: done once it holds the whole JSON and stops growing.
    let size = -1;
    while (statSync(path).size !== size || !readFileSync(path, 'utf8').trimEnd().endsWith('}')) {
      size = statSync(path).size;
      await sleep(500);
    }
    return path;
  }
  throw new Error('no heap snapshot written');
}

/** Bytes and objects by kind: the constructor's name for objects and closures, V8's node type otherwise. */
function census(path) {
  const snap = JSON.parse(readFileSync(path, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [T, N, S] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const { nodes, strings } = snap;
  const kinds = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + T]];
    const named = type === 'object' || type === 'closure' || type === 'native';
    const kind = named ? `${type === 'closure' ? 'closure ' : ''}${strings[nodes[i + N]].slice(0, 50)}` : `(${type})`;
    const entry = kinds.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + S];
    total += nodes[i + S];
    kinds.set(kind, entry);
  }
  return { kinds, total };
}

/** Per connection: how much more of each kind the held snapshot has than the empty one. */
function growth(empty, held, n) {
  const rows = new Map();
  for (const [kind, after] of held.kinds) {
    const before = empty.kinds.get(kind) ?? { count: 0, bytes: 0 };
    rows.set(kind, { count: (after.count - before.count) / n, bytes: (after.bytes - before.bytes) / n });
  }
  return { rows, total: (held.total - empty.total) / n };
}

async function measure(name) {
  const dir = mkdtempSync(join(tmpdir(), 'heap-per-conn-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--heapsnapshot-signal=SIGUSR2', join(import.meta.dirname, 'build/servers', `${name}.js`)], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  try {
    await listening(port);
    // Warm the SSE path (JIT, lazy modules), as the bench does before its baseline.
    const warm = await hold(port, 50);
    await sleep(500);
    warm();
    await sleep(1000);
    const empty = census(await snapshot(child, dir));
    const release = await hold(port, clients);
    await sleep(1000);
    const held = census(await snapshot(child, dir));
    release();
    return growth(empty, held, clients);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const name of names) {
  console.error(`${name}: ${clients} streams…`);
  results.push({ name, ...(await measure(name)) });
}

const kinds = new Set(results.flatMap((r) => [...r.rows.keys()]));
const bytesOf = (r, kind) => r.rows.get(kind)?.bytes ?? 0;
// The kinds worth a line: 16 B or more per stream in some server, the 40 largest.
const shown = [...kinds].filter((kind) => results.some((r) => Math.abs(bytesOf(r, kind)) >= 16));
shown.sort((a, b) => Math.max(...results.map((r) => bytesOf(r, b))) - Math.max(...results.map((r) => bytesOf(r, a))));
console.log(`JS heap per open stream, ${clients} streams (bytes, objects per stream in parentheses)\n`);
console.log(`| Kind | ${results.map((r) => r.name).join(' | ')} |`);
console.log(`| --- | ${results.map(() => '---:').join(' | ')} |`);
for (const kind of shown.slice(0, 40))
  console.log(`| ${kind} | ${results.map((r) => `${bytesOf(r, kind).toFixed(0)} (${(r.rows.get(kind)?.count ?? 0).toFixed(2)})`).join(' | ')} |`);
console.log(`| **total** | ${results.map((r) => `**${r.total.toFixed(0)}**`).join(' | ')} |`);
