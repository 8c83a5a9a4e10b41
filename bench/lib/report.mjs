// Turns one run into a table (printed and written to RESULTS.md) and an SVG
// chart of p99 broadcast latency against clients. Each mode's raw data is kept
// in results/<mode>.json; RESULTS.md is rebuilt from every mode present, so a
// quick run does not erase the figures of a full run and vice versa.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { channelsSection, writeChannelsChart } from './channels-report.mjs';
import { moonshotSection, writeMoonshotChart } from './moonshot-report.mjs';
import { COLORS, axes, decades, legendItem, logTicks, scales, series, svgHead } from './svg.mjs';
import { RUNTIME_MODES, renderRuntimes } from './runtimes-report.mjs';

const MODES = ['full', 'quick', 'smoke'];
const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '—');
const ratio = (x, base) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}×` : '—');

function maxLevel(r) {
  return r.sse.levels?.at(-1);
}
function levelOf(r, n) {
  return r.sse.levels?.find((l) => l.clients === n);
}

/** The rows of the one table: one per server, ratios to raw of the same run. */
export function tableRows(run) {
  const raw = run.results.find((r) => r.name === 'raw');
  const rawTop = raw && maxLevel(raw);
  const header = ['Server', 'JSON req/s (×raw)'];
  const top = run.levels.at(-1);
  header.push(`Held @${top} (errors)`, `RSS/conn KiB @${top} (×raw)`);
  for (const n of run.levels) header.push(`Latency @${n} p50/p99/max ms (p99 ×raw)`);
  header.push(`Events/s @${top} (×raw)`, 'Every event delivered', 'Loop lag p99 ms');
  const rows = [header];
  for (const r of run.results) {
    const row = [r.label ?? r.name];
    row.push(
      r.json?.rps
        ? `${f0(r.json.rps)} (${r.json.ratio !== undefined ? `${r.json.ratio.toFixed(2)}×` : ratio(r.json.rps, raw?.json?.rps)})${r.json.errors ? ` ⚠ ${r.json.errors} errors` : ''}`
        : r.json?.skipped
          ? 'skipped'
          : 'n/a',
    );
    if (r.sse.skipped) {
      row.push(`skipped: ${r.sse.skipped.slice(0, 90)}`);
      while (row.length < header.length) row.push('—');
      rows.push(row);
      continue;
    }
    const t = maxLevel(r);
    const sameTop = t && t.clients === top;
    row.push(t ? `${f0(t.held)}${sameTop ? '' : ` of ${t.clients}`} (${t.connectErrors})` : '—');
    row.push(t ? `${f1(t.rssPerConn / 1024)} (${ratio(t.rssPerConn, rawTop?.rssPerConn)})` : '—');
    for (const n of run.levels) {
      const lv = levelOf(r, n);
      const rl = raw && levelOf(raw, n);
      row.push(lv ? `${f1(lv.latency.p50)} / ${f1(lv.latency.p99)} / ${f1(lv.latency.max)} (${ratio(lv.latency.p99, rl?.latency.p99)})` : '—');
    }
    row.push(t ? `${f0(t.throughput.eventsPerSec)} (${ratio(t.throughput.eventsPerSec, rawTop?.throughput.eventsPerSec)})${t.clientBound ? ' †' : ''}` : '—');
    const all = r.sse.levels ?? [];
    const bad = all.filter((l) => !l.throughput.exact || !l.latency.exact || l.held !== l.clients);
    row.push(
      all.length === 0
        ? '—'
        : bad.length === 0
          ? 'yes'
          : `NO: ${bad.map((l) => `@${l.clients} ${f0(l.throughput.received)}/${f0(l.throughput.expected)}`).join(', ')}`,
    );
    row.push(t ? f1(t.throughput.lagP99) : '—');
    rows.push(row);
  }
  return rows;
}

export function renderTable(run) {
  const rows = tableRows(run);
  const md = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map(() => ' --- ').join('|')}|`];
  for (const r of rows.slice(1)) md.push(`| ${r.join(' | ')} |`);
  return md.join('\n');
}

/** A line chart: p99 broadcast latency (log ms) against clients (log), one line per server. */
export function renderSvg(run) {
  const W = 760,
    H = 440,
    L = 70,
    R = 250,
    T = 40,
    B = 60;
  const all = run.results
    .filter((r) => r.sse.levels?.length)
    .map((r) => ({
      name: r.label ?? r.name,
      pts: r.sse.levels.map((l) => [l.held || l.clients, l.latency.p99]).filter(([, y]) => Number.isFinite(y) && y > 0),
    }));
  const xs = all.flatMap((s) => s.pts.map((p) => p[0]));
  const ys = all.flatMap((s) => s.pts.map((p) => p[1]));
  const out = svgHead(W, H, L, `p99 publish-to-receive latency of one broadcast (${run.mode} run, ${run.date.slice(0, 10)}, Node ${run.node})`);
  if (!xs.length) {
    out.push(`<text x="${L}" y="${H / 2}">no data</text></svg>`);
    return out.join('\n');
  }
  const [lx0, lx1] = decades(xs);
  const [ly0, ly1] = decades(ys);
  const box = { x0: L, y0: T, x1: W - R, y1: H - B };
  const sc = scales(box, { lo: lx0, hi: lx1, log: true }, { lo: ly0, hi: ly1, log: true });
  axes(out, box, {
    ...sc,
    xTicks: logTicks(lx0, lx1),
    yTicks: logTicks(ly0, ly1),
    xFmt: (v) => v.toLocaleString('en-US'),
    yFmt: (v) => +v.toPrecision(3),
    xTitle: 'clients held (log scale)',
    yTitle: 'p99 latency, ms (log scale)',
  });
  all.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    series(out, s.pts, c, sc);
    legendItem(out, W - R + 15, T + 10 + i * 20, c, s.name);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Which nginx/nchan and Go the anchors ran on (see README.md, "Anchors"). */
function anchorLines(run) {
  const versions = run.results.filter((r) => r.anchorVersion).map((r) => `${r.name} on ${r.anchorVersion}`);
  return versions.length ? [`- Anchors, one core each like the Node servers: ${versions.join('; ')}`] : [];
}

function section(run) {
  const m = run.machine;
  const lines = [
    `## ${run.mode} run`,
    '',
    `- Command: \`${run.command}\``,
    `- Date: ${run.date} (finished ${run.finished}); Node ${run.node}; ${m.cpus} cores (${m.model}), ${m.memGiB} GiB; ${m.os}`,
    `- Servers pinned to CPU 0 and load generators to CPU 1 with taskset: ${m.pinned ? 'yes' : 'no'}`,
    `- SSE client levels: ${run.levels.join(', ')}`,
    ...anchorLines(run),
    '',
    renderTable(run),
    '',
    `![p99 broadcast latency against clients](results/latency-${run.mode}.svg)`,
    '',
  ];
  const skipped = run.results.filter((r) => r.sse.skipped || r.json?.skipped);
  if (skipped.length) {
    lines.push('Skipped:', '');
    for (const r of skipped) lines.push(`- ${r.label}: ${r.sse.skipped ?? r.json.skipped}`);
    lines.push('');
  }
  const bound = run.results.flatMap((r) =>
    (r.sse.levels ?? []).filter((l) => l.clientBound).map((l) => `${r.name} @${l.clients} (${Math.round(l.throughput.genCpu * 100)}%)`),
  );
  if (bound.length)
    lines.push(
      `† client-bound: the generator used more than 90% of its core during the burst, so the events/s figure is a lower bound for the server: ${bound.join(', ')}.`,
      '',
    );
  lines.push(
    '<details><summary>Per level detail</summary>',
    '',
    '| Server | Clients | Held | Connect errors | RSS/conn KiB | p50 / p99 / max ms | Burst | Received / expected | Events/s | Lag p99 / max ms | Generator CPU (burst) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of run.results) {
    for (const l of r.sse.levels ?? []) {
      const t = l.throughput;
      lines.push(
        `| ${r.name} | ${l.clients} | ${l.held} | ${l.connectErrors}${l.firstError ? ` (${l.firstError})` : ''} | ${f1(l.rssPerConn / 1024)} | ${f1(l.latency.p50)} / ${f1(l.latency.p99)} / ${f1(l.latency.max)} | ${t.burst} | ${f0(t.received)} / ${f0(t.expected)}${t.exact ? '' : ' ✗'} | ${f0(t.eventsPerSec)} | ${f1(t.lagP99)} / ${f1(t.lagMax)} | ${Math.round(t.genCpu * 100)}% |`,
      );
    }
  }
  const js = run.results.filter((r) => r.json?.samples);
  if (js.length) {
    lines.push(
      '',
      '| Server | JSON req/s per run (best reported) | median req/s | ratio to raw per pair | errors | worst p99 ms |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const r of js)
      lines.push(
        `| ${r.name} | ${r.json.samples.join(', ')} | ${f0(r.json.median)} | ${(r.json.pairRatios ?? []).join(', ')} | ${r.json.errors} | ${r.json.p99ms} |`,
      );
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}

const PREAMBLE = `# streamnest benchmarks

Produced by the harness in this folder (\`npm run bench\`, \`npm run bench:quick\`, \`npm run bench:smoke\`);
see [README.md](README.md) for what is measured and how. Every figure below comes from the run
whose command and date head its section. The machine is shared and noisy: compare servers only
through the ratios to raw \`node:http\` measured in the same run.

Ratios: for req/s and events/s higher is better; for RSS per connection and latency lower is better.
Latency is publish-to-receive on one monotonic clock (\`process.hrtime.bigint()\`): p50, p99 and max
over the clients of one single-event broadcast, each the median over several broadcasts. It
includes the generator's own time to read every socket. JSON req/s and events/s are each
server's best of several runs (other load only slows a run down); all runs are in the detail
and in \`results/<mode>.json\`. † marks a client-bound figure (generator core above 90%).
`;

function saveRun(run) {
  mkdirSync('results', { recursive: true });
  writeFileSync(
    `results/${run.mode}.json`,
    JSON.stringify(run, (_key, v) => (typeof v === 'bigint' ? String(v) : v), 2),
  );
}

export function writeResults(run) {
  saveRun(run);
  writeFileSync(`results/latency-${run.mode}.svg`, renderSvg(run));
  rebuildMarkdown();
}

/** Saves a cluster run and rebuilds RESULTS.md from every saved run. */
export function refreshResults(run) {
  saveRun(run);
  rebuildMarkdown();
}

/** Redraws every chart and RESULTS.md from the stored results/*.json alone (report-only.mjs): nothing is measured. */
export function rebuildFromStored() {
  for (const mode of MODES) {
    const f = `results/${mode}.json`;
    if (existsSync(f)) writeFileSync(`results/latency-${mode}.svg`, renderSvg(JSON.parse(readFileSync(f, 'utf8'))));
  }
  rebuildMarkdown();
}

export function rebuildMarkdown() {
  const parts = [PREAMBLE];
  for (const mode of MODES) {
    const f = `results/${mode}.json`;
    if (mode === 'smoke' || !existsSync(f)) continue;
    parts.push(section(JSON.parse(readFileSync(f, 'utf8'))));
  }
  if (existsSync('results/cluster.json')) parts.push(clusterSection(JSON.parse(readFileSync('results/cluster.json', 'utf8'))));
  // The moonshot and channels charts are drawn here, from the stored runs, so any rebuild keeps them current.
  if (existsSync('results/moonshot.json')) {
    const run = JSON.parse(readFileSync('results/moonshot.json', 'utf8'));
    writeMoonshotChart(run);
    parts.push(moonshotSection(run));
  }
  if (existsSync('results/channels.json')) {
    const run = JSON.parse(readFileSync('results/channels.json', 'utf8'));
    writeChannelsChart(run);
    parts.push(channelsSection(run));
  }
  for (const mode of RUNTIME_MODES) {
    const f = `results/runtimes-${mode}.json`;
    if (existsSync(f)) parts.push(renderRuntimes(JSON.parse(readFileSync(f, 'utf8'))));
  }
  if (existsSync('NOTES.md')) parts.push(readFileSync('NOTES.md', 'utf8'));
  writeFileSync('RESULTS.md', parts.join('\n'));
}

function clusterSection(run) {
  const r = run.result;
  const l = r.latency;
  const t = r.throughput;
  return [
    '## beyond one process',
    '',
    `- Command: \`${run.command}\``,
    `- Date: ${run.date} (finished ${run.finished}); Node ${run.node}`,
    `- ${r.processes} streamnest processes, each with the hub on the Redis Streams transport (one shared stream), each on its own port; the generator spreads the clients over them and publishes through the first process only.`,
    '',
    '| Processes | Clients held (errors) | Clients per process | RSS per process MiB | One broadcast p50 / p99 / max ms | Every client got it | Burst | Received / expected | Events/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.processes} | ${f0(r.held)} of ${f0(r.clients)} (${r.connectErrors}) | ${r.perProcess.map((p) => f0(p.clients)).join(', ')} | ${r.perProcess.map((p) => f0(p.rss / 2 ** 20)).join(', ')} | ${f1(l.p50)} / ${f1(l.p99)} / ${f1(l.max)} | ${l.exact ? 'yes' : 'no'} | ${t.burst} | ${f0(t.received)} / ${f0(t.expected)}${t.exact ? '' : ' ✗'} | ${f0(t.eventsPerSec)} |`,
    '',
  ].join('\n');
}
