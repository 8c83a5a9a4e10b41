// The RESULTS.md sections of runtimes.mjs: one per runtime, each server's
// figures with ratios to the best peer on that runtime (SSE) and to the
// runtime's bare server (JSON GET), and where the issue's goals stand. The raw
// data is kept in results/runtimes-<mode>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { rebuildMarkdown } from './report.mjs';

export const RUNTIME_MODES = ['full', 'quick'];

const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '—');
const times = (x, base) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}×` : '—');
const pc = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—');
const NAMES = { node: 'Node', deno: 'Deno', bun: 'Bun' };

const levelOf = (r, n) => r.sse.levels?.find((l) => l.clients === n);
const measured = (r, n) => {
  const l = levelOf(r, n);
  return l && l.held === l.clients && l.latency.exact && l.throughput.exact ? l : undefined;
};

/**
 * The best peer at level `n` for each SSE figure: lowest RSS per connection,
 * lowest p99, most events/s; only peers that held every client and delivered
 * every event count.
 */
function bestPeers(sec, n) {
  const peers = sec.results.filter((r) => r.peer && measured(r, n));
  const pick = (value, better) =>
    peers.reduce((best, r) => {
      const v = value(levelOf(r, n));
      return Number.isFinite(v) && (!best || better(v, best.value)) ? { name: r.name, value: v } : best;
    }, undefined);
  return {
    rss: pick(
      (l) => l.rssPerConn,
      (a, b) => a < b,
    ),
    p99: pick(
      (l) => l.latency.p99,
      (a, b) => a < b,
    ),
    eps: pick(
      (l) => l.throughput.eventsPerSec,
      (a, b) => a > b,
    ),
  };
}

function label(r) {
  const on = r.serverKind ? ` on ${r.serverKind}` : '';
  const engine = r.streamnest && r.engine ? `, engine '${r.engine}'` : '';
  return `${r.label}${r.streamnest ? ` (${[on.trim(), engine.replace(/^, /, '')].filter(Boolean).join(', ')})` : ''}`;
}

/** What a level missed: clients not held, probes or bursts not delivered (and whether a burst timed out). */
export function missed(l) {
  const parts = [];
  if (l.held !== l.clients) parts.push(`held ${f0(l.held)}/${f0(l.clients)}`);
  if (!l.latency.exact) parts.push('a latency probe missed a client');
  const runs = l.throughput.incompleteRuns ?? (l.throughput.exact ? [] : [{ received: Number.NaN, expected: Number.NaN }]);
  for (const r of runs) parts.push(`a burst got ${f0(r.received)}/${f0(r.expected)}${r.timedOut ? ' before the wait ran out' : ''}`);
  return `@${l.clients} ${parts.join('; ')}`;
}

function table(run, sec) {
  const top = run.levels.at(-1);
  const best = Object.fromEntries(run.levels.map((n) => [n, bestPeers(sec, n)]));
  const header = ['Server', 'JSON GET req/s (×bare)', `Held @${top} (errors)`, `RSS/conn KiB @${top} (×best peer)`];
  for (const n of run.levels) header.push(`Latency @${n} p50/p99/max ms (p99 ×best peer)`);
  header.push(`Events/s @${top} (×best peer)`, 'Every event delivered', 'Loop lag p99 ms');
  const rows = [header];
  for (const r of sec.results) {
    const j = r.json;
    const row = [label(r)];
    row.push(
      j?.rps
        ? `${f0(j.rps)} (${j.ratio !== undefined ? `${j.ratio.toFixed(2)}×` : '—'})${j.clientBound ? ' †' : ''}${j.errors ? ` ⚠ ${j.errors} errors` : ''}`
        : j?.skipped
          ? `skipped: ${j.skipped.slice(0, 60)}`
          : 'n/a',
    );
    if (r.sse.skipped || r.jsonOnly) {
      row.push(r.jsonOnly ? 'JSON GET only' : `skipped: ${r.sse.skipped.slice(0, 90)}`);
      while (row.length < header.length) row.push('—');
      rows.push(row);
      continue;
    }
    const t = levelOf(r, top);
    row.push(t ? `${f0(t.held)} (${t.connectErrors})` : '—');
    row.push(t ? `${f1(t.rssPerConn / 1024)} (${times(t.rssPerConn, best[top].rss?.value)})` : '—');
    for (const n of run.levels) {
      const l = levelOf(r, n);
      row.push(l ? `${f1(l.latency.p50)} / ${f1(l.latency.p99)} / ${f1(l.latency.max)} (${times(l.latency.p99, best[n].p99?.value)})` : '—');
    }
    row.push(t ? `${f0(t.throughput.eventsPerSec)} (${times(t.throughput.eventsPerSec, best[top].eps?.value)})${t.clientBound ? ' †' : ''}` : '—');
    const all = r.sse.levels ?? [];
    const bad = all.filter((l) => !l.throughput.exact || !l.latency.exact || l.held !== l.clients);
    row.push(all.length === 0 ? '—' : bad.length === 0 ? 'yes' : `NO: ${bad.map(missed).join(', ')}`);
    row.push(t ? f1(t.throughput.lagP99) : '—');
    rows.push(row);
  }
  return { rows, best };
}

/** Where the issue's goals stand on one runtime: the hub against the best peer, GET against bare. */
function goals(run, sec, best) {
  const top = run.levels.at(-1);
  const b = best[top];
  const out = [];
  for (const hub of sec.results.filter((r) => r.hub)) {
    const l = measured(hub, top);
    const engine = `${hub.name} on ${hub.serverKind ?? '?'}`;
    if (!l) {
      out.push(`- ${engine}: not measured at ${f0(top)} clients (${hub.sse.skipped ?? 'a client was not held or an event was lost'})`);
      continue;
    }
    const cmp = (x, peer, lower) =>
      peer ? `${times(x, peer.value)} ${peer.name} — ${(lower ? x < peer.value : x > peer.value) ? 'ahead' : 'NOT ahead'}` : 'no peer measured';
    out.push(
      `- ${engine} @${f0(top)}: broadcast p99 ${f1(l.latency.p99)} ms, ${cmp(l.latency.p99, b.p99, true)}; RSS/conn ${f1(l.rssPerConn / 1024)} KiB, ${cmp(l.rssPerConn, b.rss, true)}; events/s ${cmp(l.throughput.eventsPerSec, b.eps, false)}`,
    );
  }
  for (const r of sec.results.filter((x) => x.streamnest && x.json?.rps)) {
    const ok = r.json.ratio >= 0.9;
    // The goal is for the native engine; on Deno and Bun, node:http is their compatibility server.
    const compat = sec.runtime !== 'node' && r.serverKind === 'node:http';
    const goal = compat
      ? `the ≥ 0.9× goal is for the native engine; this is ${NAMES[sec.runtime]}'s compatibility server`
      : `goal ≥ 0.9×: ${ok ? 'met' : 'not met'}`;
    const same = r.json.sameHeadersMedianPairRatio;
    const sameText = same !== undefined ? `; ${same.toFixed(2)}× the bare server sending the same headers (median of its pairs)` : '';
    out.push(
      `- ${r.name} JSON GET on ${r.serverKind ?? '?'}: ${r.json.ratio !== undefined ? `${r.json.ratio.toFixed(2)}× bare` : 'no bare figure'} (${goal}${r.json.clientBound ? '; client-bound' : ''})${sameText}`,
    );
  }
  return out;
}

function runtimeSection(run, sec) {
  const title = `### ${NAMES[sec.runtime]}${sec.version ? ` ${sec.version}` : ''}`;
  if (sec.skipped) return [title, '', `Skipped: ${sec.skipped}`, ''].join('\n');
  const { rows, best } = table(run, sec);
  const top = run.levels.at(-1);
  const b = best[top];
  const lines = [
    title,
    '',
    `- Binary: ${sec.bin}. Best peer @${f0(top)} per figure: RSS/conn ${b.rss ? `${b.rss.name} (${f1(b.rss.value / 1024)} KiB)` : '—'}, p99 ${b.p99 ? `${b.p99.name} (${f1(b.p99.value)} ms)` : '—'}, events/s ${b.eps ? `${b.eps.name} (${f0(b.eps.value)})` : '—'}.`,
    ...goals(run, sec, best),
    '',
    `| ${rows[0].join(' | ')} |`,
    `|${rows[0].map(() => ' --- ').join('|')}|`,
    ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
    '',
  ];
  const skipped = sec.results.filter((r) => r.sse.skipped || r.json?.skipped);
  if (skipped.length) {
    lines.push('Skipped:', '');
    for (const r of skipped) lines.push(`- ${r.name}: ${r.sse.skipped ?? r.json.skipped}`);
    lines.push('');
  }
  lines.push(
    '<details><summary>Per level and per GET run detail</summary>',
    '',
    '| Server | Clients | Held | RSS/conn KiB | p50 / p99 / max ms | Burst | Received / expected | Events/s (bursts) | Lag p99 / max ms | Generator CPU (burst) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of sec.results)
    for (const l of r.sse.levels ?? []) {
      const t = l.throughput;
      lines.push(
        `| ${r.name} | ${l.clients} | ${l.held}${l.connectErrors ? ` (${l.connectErrors} errors: ${l.firstError})` : ''} | ${f1(l.rssPerConn / 1024)} | ${f1(l.latency.p50)} / ${f1(l.latency.p99)} / ${f1(l.latency.max)} | ${t.burst} | ${f0(t.received)} / ${f0(t.expected)}${t.exact ? '' : ' ✗'} | ${f0(t.eventsPerSec)} (${t.runs.map(f0).join(', ')}) | ${f1(t.lagP99)} / ${f1(t.lagMax)} | ${pc(t.genCpu)} |`,
      );
    }
  const js = sec.results.filter((r) => r.json?.samples);
  if (js.length) {
    lines.push(
      '',
      '| Server | req/s per run (best reported) | median | ratio to bare per pair | to the bare server with the same headers, per pair | errors | worst p99 ms | server / generator CPU (best run) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of js)
      lines.push(
        `| ${r.name} | ${r.json.samples.map(f0).join(', ')} | ${f0(r.json.median)} | ${(r.json.pairRatios ?? []).join(', ') || '—'} | ${(r.json.sameHeadersPairRatios ?? []).join(', ') || '—'} | ${r.json.errors} | ${f1(r.json.p99ms)} | ${pc(r.json.serverCpu)} / ${pc(r.json.genCpu)} |`,
      );
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}

/** The whole runtimes section: the run's header, then one subsection per runtime. */
export function renderRuntimes(run) {
  const m = run.machine;
  const lg = run.loadgen;
  const lgText =
    lg.name === 'wrk'
      ? lg.missing
        ? `wrk missing (${lg.missing}): GET skipped`
        : `wrk (${lg.version}), one thread, 100 connections, on the client core`
      : 'autocannon in the runner (one core): figures above about 20,000–40,000 req/s are the generator’s';
  const versions = run.runtimes
    .filter((s) => s.version)
    .map((s) => `${NAMES[s.runtime]} ${s.version}`)
    .join(', ');
  return [
    `## Node, Deno and Bun: ${run.mode} run`,
    '',
    `- Command: \`${run.command}\``,
    `- Date: ${run.date} (finished ${run.finished}); ${versions}; ${m.cpus} cores (${m.model}), ${m.memGiB} GiB; ${m.os}`,
    ...(run.load
      ? [
          `- Load average (1, 5, 15 min) at the start ${run.load.start.join(', ')}, at the end ${run.load.end.join(', ')}: this run alone keeps about 2 busy; more is other work on the machine, which slows the figures down.`,
        ]
      : []),
    `- Servers pinned to CPU 0, runner, load generators to CPU 1 with taskset: ${m.pinned ? 'yes' : 'no'}. SSE levels: ${run.levels.join(', ')}. JSON GET: ${run.jsonRounds} rounds of ${run.jsonSeconds} s runs per server, paired with the runtime's bare server, alternating; ${lgText}.`,
    `- streamnest engine asked for: ${run.engines.map((e) => `'${e}'`).join(', ')} (\`SN_ENGINE\`); each streamnest row says what it listened on.`,
    '- SSE ratios are to the best peer on the same runtime for that figure (lower is better for RSS and latency, higher for events/s); JSON GET ratios are best run over the bare server’s best run. † the generator was above 90% of its core while the server was not: a lower bound for the server.',
    '',
    ...run.runtimes.map((s) => runtimeSection(run, s)),
  ].join('\n');
}

export function writeRuntimes(run) {
  mkdirSync('results', { recursive: true });
  writeFileSync(`results/runtimes-${run.mode}.json`, JSON.stringify(run, null, 2));
  rebuildMarkdown();
}
