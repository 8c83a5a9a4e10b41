// Runs compiled test files under Deno and under Bun, each file in a process of its own,
// a few at a time, and counts what each runtime's runner reports. Deno runs node:test
// files with `deno test` (its node:test layer maps each test to a Deno test, subtests to
// steps); Bun with `bun test`. Each run is a pass: a runtime, an engine (the runtime's
// own server, or Node's through its Node layer) and its files. What a runtime and engine
// leave out is in test/runtimes/skips.ts.
import { spawn } from 'node:child_process';
import { runtime } from './runtimes.mjs';

/** What one file's run reported. */
function emptyCount() {
  return { passed: 0, failed: 0, skipped: 0 };
}

/** What each engine is called in the count lines, by runtime. */
const SERVER_NAMES = { deno: { web: 'Deno.serve', node: 'node:http' }, bun: { web: 'Bun.serve', node: 'node:http' } };

/**
 * One pass: `runtime` on `engine` ('web': the runtime's own server, the default engine;
 * 'node': Node's server, STREAMNEST_ENGINE=node) over `files`. Its label names both.
 */
export function pass(runtime, engine, files) {
  return { runtime, engine, files, key: engine === 'node' ? runtime : `${runtime}:web`, label: `${runtime} (${SERVER_NAMES[runtime][engine]})` };
}

/** A file may run this long before it is killed: the slowest takes under 40 s, so a hang costs 2 minutes, not 5. */
const FILE_TIMEOUT_MS = 120_000;

const COMMANDS = {
  // --no-check: the files are tsc's output already; --no-lock: no deno.lock in the repository.
  deno: (file) => ['test', '--allow-all', '--no-check', '--no-lock', file],
  // Bun's per-test timeout is 5 s by default; Node's runner has none, so the suite's tests assume none.
  bun: (file) => ['test', '--timeout', String(FILE_TIMEOUT_MS), `./${file}`],
};

/** `ok | 8 passed (6 steps) | 1 failed | 2 ignored (1s)` → counts, steps included. */
function denoCount(output) {
  const count = emptyCount();
  const line = output.split('\n').findLast((l) => /^(ok|FAILED) \|/.test(l));
  if (!line) return undefined;
  for (const [, n, word, steps] of line.matchAll(/(\d+) (passed|failed|ignored)(?: \((\d+) steps?\))?/g)) {
    const key = word === 'passed' ? 'passed' : word === 'failed' ? 'failed' : 'skipped';
    count[key] += Number(n) + Number(steps ?? 0);
  }
  return count;
}

/** ` 19 pass`, ` 1 skip`, ` 0 fail` lines → counts. */
function bunCount(output) {
  const count = emptyCount();
  let seen = false;
  for (const [, n, word] of output.matchAll(/^\s*(\d+) (pass|fail|skip|todo)$/gm)) {
    seen = true;
    if (word === 'pass') count.passed += Number(n);
    else if (word === 'fail') count.failed += Number(n);
    else count.skipped += Number(n);
  }
  return seen ? count : undefined;
}

const COUNTERS = { deno: denoCount, bun: bunCount };

/** Lines a digest of one failing file keeps: enough for the error, short enough to stay in a CI log's tail. */
const DIGEST_LINES = 40;

/**
 * The part of a failing file's output that says what failed: Bun prints each error just
 * above its `(fail)` line, Deno gathers them under `ERRORS`. Printed again at the end of
 * the run, where a CI log's tail keeps it; the whole output is printed as the file ends.
 */
export function failureDigest(name, output) {
  const lines = output.split('\n');
  if (name === 'deno') {
    const start = lines.findIndex((l) => /^\s*ERRORS\s*$/.test(l));
    return lines.slice(start < 0 ? -DIGEST_LINES : start, (start < 0 ? lines.length : start) + DIGEST_LINES).join('\n');
  }
  // Bun: from the line after the previous test's result to this `(fail)`, the message first.
  const picked = [];
  let from = 0;
  lines.forEach((line, i) => {
    if (!/^\((pass|fail|skip|todo)\)/.test(line)) return;
    if (line.startsWith('(fail)')) picked.push(line, ...lines.slice(from, i).slice(0, 20), '');
    from = i + 1;
  });
  return (picked.length > 0 ? picked : lines.slice(-DIGEST_LINES)).slice(0, DIGEST_LINES).join('\n');
}

/** Runs one file; resolves with its output, exit code and counts, never rejects. */
function runFile(name, engine, binary, file) {
  return new Promise((resolve) => {
    const started = Date.now();
    // 'web': STREAMNEST_ENGINE unset, so the app takes the default, the runtime's own server;
    // 'node': Node's server through the runtime's Node layer.
    const env = { ...process.env, NO_COLOR: '1' };
    if (engine === 'node') env.STREAMNEST_ENGINE = 'node';
    else delete env.STREAMNEST_ENGINE;
    delete env.FORCE_COLOR;
    // Its own process group, so a timeout also ends what the tests started.
    const child = spawn(binary, COMMANDS[name](file), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, FILE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const count = COUNTERS[name](output) ?? emptyCount();
      // A crash, a kill or a failure the counts missed still fails the file.
      const ok = code === 0 && count.failed === 0;
      if (!ok && count.failed === 0) count.failed = 1;
      const why = timedOut ? `killed after ${FILE_TIMEOUT_MS / 1000} s` : signal ? `ended by ${signal}` : `exit ${code}`;
      resolve({ name, file, ok, why, count, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Runs `jobs` (functions returning promises) at most `limit` at a time, in order. */
async function pool(jobs, limit) {
  const results = [];
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/**
 * Runs each pass (see `pass`), `concurrency` files at a time across all of them, printing
 * one line per file (and a failing file's output). Resolves with a summary per pass:
 * `{ name, key, count, files, failedFiles, digests, version?, missing? }`, `name` its label.
 */
export async function runOnRuntimes(passes, { concurrency = 2, skippedFiles = () => undefined } = {}) {
  const summaries = [];
  const perPass = [];
  const width = Math.max(...passes.map((p) => p.label.length));
  for (const { runtime: name, engine, files, key, label } of passes) {
    const jobs = [];
    perPass.push(jobs);
    const found = runtime(name);
    const summary = { name: label, key, count: emptyCount(), files: 0, failedFiles: [], digests: [], version: found.version, missing: found.missing };
    summaries.push(summary);
    if (found.missing) continue;
    for (const file of files) {
      if (skippedFiles(key, file)) continue;
      jobs.push(async () => {
        const result = await runFile(name, engine, found.path, file);
        summary.files++;
        for (const k of Object.keys(summary.count)) summary.count[k] += result.count[k];
        const { passed, failed, skipped } = result.count;
        const line = `${label.padEnd(width)} ${result.ok ? 'ok    ' : 'FAILED'} ${result.seconds.toFixed(1).padStart(5)} s  ${file.replace(/^build\/test\//, '')}`;
        console.log(`${line}  (${passed} passed${failed ? `, ${failed} failed` : ''}${skipped ? `, ${skipped} skipped` : ''})`);
        if (!result.ok) {
          summary.failedFiles.push(file);
          summary.digests.push({ file, why: result.why, text: failureDigest(name, result.output) });
          console.log(`---- ${label} ${file}: ${result.why}; its output:\n${result.output.trimEnd()}\n---- end of ${label} ${file}`);
        }
        return result;
      });
    }
  }
  // Interleaved, so every pass makes progress at once and each one's slow files are spread out.
  const longest = Math.max(0, ...perPass.map((jobs) => jobs.length));
  const interleaved = Array.from({ length: longest }, (_, i) => perPass.map((jobs) => jobs[i]).filter(Boolean)).flat();
  await pool(interleaved, concurrency);
  return summaries;
}
