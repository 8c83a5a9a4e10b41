// Turns one run into a table (printed and written to RESULTS.md) and an SVG
// chart of p99 broadcast latency against clients. Each mode's raw data is kept
// in results/<mode>.json; RESULTS.md is rebuilt from every mode present, so a
// quick run does not erase the figures of a full run and vice versa.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { channelsSection } from './channels-report.mjs';
import { moonshotSection } from './moonshot-report.mjs';

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

const COLORS = ['#111111', '#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** A hand-written SVG line chart: p99 broadcast latency (log ms) against clients (log). */
export function renderSvg(run) {
  const W = 760,
    H = 440,
    L = 70,
    R = 250,
    T = 40,
    B = 60;
  const series = run.results
    .filter((r) => r.sse.levels?.length)
    .map((r) => ({
      name: r.label ?? r.name,
      pts: r.sse.levels.map((l) => [l.held || l.clients, l.latency.p99]).filter(([, y]) => Number.isFinite(y) && y > 0),
    }));
  const xs = series.flatMap((s) => s.pts.map((p) => p[0]));
  const ys = series.flatMap((s) => s.pts.map((p) => p[1]));
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="14" font-weight="bold">p99 publish-to-receive latency of one broadcast (${esc(run.mode)} run, ${esc(run.date.slice(0, 10))}, Node ${esc(run.node)})</text>`,
  ];
  if (!xs.length) {
    out.push(`<text x="${L}" y="${H / 2}">no data</text></svg>`);
    return out.join('\n');
  }
  const lx0 = Math.floor(Math.log10(Math.min(...xs))),
    lx1 = Math.max(lx0 + 1, Math.ceil(Math.log10(Math.max(...xs))));
  const ly0 = Math.floor(Math.log10(Math.min(...ys))),
    ly1 = Math.max(ly0 + 1, Math.ceil(Math.log10(Math.max(...ys))));
  const px = (x) => L + ((Math.log10(x) - lx0) / (lx1 - lx0)) * (W - L - R);
  const py = (y) => H - B - ((Math.log10(y) - ly0) / (ly1 - ly0)) * (H - T - B);
  for (let e = lx0; e <= lx1; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v < 10 ** lx0 || v > 10 ** lx1) continue;
      out.push(
        `<line x1="${px(v)}" y1="${T}" x2="${px(v)}" y2="${H - B}" stroke="#ddd"/>`,
        `<text x="${px(v)}" y="${H - B + 16}" text-anchor="middle">${v.toLocaleString('en-US')}</text>`,
      );
    }
  }
  for (let e = ly0; e <= ly1; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v < 10 ** ly0 || v > 10 ** ly1) continue;
      out.push(
        `<line x1="${L}" y1="${py(v)}" x2="${W - R}" y2="${py(v)}" stroke="#ddd"/>`,
        `<text x="${L - 6}" y="${py(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>`,
      );
    }
  }
  out.push(
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">clients held (log scale)</text>`,
    `<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">p99 latency, ms (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${s.pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of s.pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${c}"/>`);
    const ly = T + 10 + i * 20;
    out.push(
      `<line x1="${W - R + 15}" y1="${ly}" x2="${W - R + 35}" y2="${ly}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${W - R + 40}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
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

export function rebuildMarkdown() {
  const parts = [PREAMBLE];
  for (const mode of MODES) {
    const f = `results/${mode}.json`;
    if (mode === 'smoke' || !existsSync(f)) continue;
    parts.push(section(JSON.parse(readFileSync(f, 'utf8'))));
  }
  if (existsSync('results/cluster.json')) parts.push(clusterSection(JSON.parse(readFileSync('results/cluster.json', 'utf8'))));
  if (existsSync('results/moonshot.json')) parts.push(moonshotSection(JSON.parse(readFileSync('results/moonshot.json', 'utf8'))));
  if (existsSync('results/channels.json')) parts.push(channelsSection(JSON.parse(readFileSync('results/channels.json', 'utf8'))));
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
