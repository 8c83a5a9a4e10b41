// Runs the compiled tests: every *.test.js under build/test with Node's test runner,
// then, under Deno and under Bun (scripts/runtime-tests.mjs), the files of test/core,
// test/sse and test/hub on the runtime's own server (Deno.serve / Bun.serve, the default
// engine), and a smaller compatibility pass on Node's server through the runtime's Node
// layer (STREAMNEST_ENGINE=node). Ends with one count line per runtime and engine.
//
//   node scripts/run-tests.mjs [filters…] [--runtimes=node,deno,bun] [--runtime-concurrency=2]
//
// Filters are substrings of test file paths, for every runtime. (Node 20's runner takes
// no glob, and given a folder it would run helper files too.)
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { pass, runOnRuntimes } from './runtime-tests.mjs';

/** The folders whose tests also run under Deno and Bun on the runtime's own server (paths under build/test). */
const RUNTIME_SUBSET = ['core/', 'sse/', 'hub/'];

/**
 * The compatibility pass on Node's server under each runtime: the SSE wire (raw sockets,
 * HTTP/2, backpressure, shutdown) and a hub in memory and over Redis, which is what
 * leans on the runtimes' node:http, node:net and node:http2. Kept small for CI time.
 */
const COMPAT_SUBSET = ['sse/', 'hub/memory.test.js', 'hub/redis.test.js'];

/** Files of COMPAT_SUBSET that start no server (the encoder's properties): the engine changes nothing, the native pass runs them. */
const COMPAT_SERVERLESS = ['sse/encode.test.js', 'sse/roundtrip.test.js', 'sse/slice-scheduler.test.js'];

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return find(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

function parseArgs(argv) {
  const options = { filter: [], runtimes: ['node', 'deno', 'bun'], concurrency: 2 };
  for (const arg of argv) {
    if (arg.startsWith('--runtimes=')) options.runtimes = arg.slice('--runtimes='.length).split(',').filter(Boolean);
    else if (arg.startsWith('--runtime-concurrency=')) options.concurrency = Number(arg.slice('--runtime-concurrency='.length)) || 1;
    else options.filter.push(arg);
  }
  return options;
}

/** Runs Node's runner over `files`, passing its output through and reading its closing counts. */
function runNode(files) {
  // Spec on a terminal (as before), TAP otherwise; both end with the counts read below.
  const reporter = process.stdout.isTTY ? ['--test-reporter=spec'] : [];
  const args = ['--test', '--test-concurrency=2', '--test-timeout=300000', ...reporter, ...files];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['inherit', 'pipe', 'inherit'],
      env: process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env,
    });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk).slice(-4000);
    });
    child.on('close', (code) => {
      const read = (word) => Number(tail.match(new RegExp(`^(?:ℹ|#) ${word} (\\d+)$`, 'm'))?.[1] ?? 0);
      const count = { passed: read('pass'), failed: read('fail') + read('cancelled'), skipped: read('skipped') + read('todo') };
      if (code !== 0 && count.failed === 0) count.failed = 1;
      resolve({ name: 'node', count, files: files.length, failedFiles: [] });
    });
  });
}

const options = parseArgs(process.argv.slice(2));
const files = find('build/test')
  .filter((f) => options.filter.length === 0 || options.filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('no test files found under build/test');
  process.exit(1);
}

const summaries = [];
if (options.runtimes.includes('node')) summaries.push(await runNode(files));

const others = options.runtimes.filter((name) => name !== 'node');
if (others.length > 0) {
  const { FILE_SKIPS, TEST_SKIPS } = await import(pathToFileURL('build/test/runtimes/skips.js').href);
  const testName = (file) => relative('build/test', file).replace(/\.test\.js$/, '');
  const under = (dirs) => files.filter((f) => dirs.some((dir) => relative('build/test', f).startsWith(dir)));
  const native = under(RUNTIME_SUBSET);
  const compat = under(COMPAT_SUBSET).filter((f) => !COMPAT_SERVERLESS.includes(relative('build/test', f)));
  const passes = others.flatMap((name) => [pass(name, 'web', native), pass(name, 'node', compat)]);
  console.log(
    `\n# ${others.join(' and ')}: ${native.length} files of test/${RUNTIME_SUBSET.join(', test/')} on the runtime's own server, ` +
      `and ${compat.length} (test/${COMPAT_SUBSET.join(', test/')}, but not those starting no server) on Node's server (STREAMNEST_ENGINE=node), ${options.concurrency} at a time`,
  );
  const skippedFiles = (key, file) => FILE_SKIPS[testName(file)]?.[key];
  summaries.push(...(await runOnRuntimes(passes, { concurrency: options.concurrency, skippedFiles })));
  // Never silent: every entry of the skip list, with its reason, per runtime and engine.
  for (const { key, label } of passes) {
    const lines = [
      ...Object.entries(FILE_SKIPS)
        .filter(([, reasons]) => reasons[key])
        .map(([file, reasons]) => `  file ${file}: ${reasons[key]}`),
      ...Object.entries(TEST_SKIPS)
        .filter(([, reasons]) => reasons[key])
        .map(([id, reasons]) => `  test "${id}": ${reasons[key]}`),
    ];
    if (lines.length > 0) console.log(`\n# skipped under ${label}, key '${key}' (test/runtimes/skips.ts):\n${lines.join('\n')}`);
  }
}

// In CI a runtime that could not run is a failure: the promise is that the suite passes there.
let failed = false;
console.log('');
// What failed, once more in short: a CI log is often read from its end.
for (const { name, digests = [] } of summaries) {
  for (const { file, why, text } of digests) console.log(`# ${name}: ${file} (${why}), in short:\n${text.trimEnd()}\n`);
}
for (const summary of summaries) {
  if (summary.missing) {
    console.log(`# ${summary.name}: not run: ${summary.missing}`);
    if (process.env.CI) failed = true;
    continue;
  }
  if (summary.failedFiles.length > 0) console.log(`# ${summary.name}: failed in ${summary.failedFiles.join(', ')}`);
  if (summary.version) console.log(`# ${summary.name} ${summary.version}: ${summary.files} files`);
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const { name, count, missing } of summaries) {
  if (missing) continue;
  console.log(`${name}: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped`);
  for (const key of Object.keys(total)) total[key] += count[key];
  if (count.failed > 0) failed = true;
}
if (summaries.length > 1) console.log(`all: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
