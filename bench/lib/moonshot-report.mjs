// The RESULTS.md section of the moonshot run (moonshot.mjs), and its chart.
import { writeFileSync } from 'node:fs';
import { axes, hline, legendItem, linearTicks, scales, series, svgHead } from './svg.mjs';

/** Where the chart goes, next to results/moonshot.json; RESULTS.md links it from bench/. */
export const MOONSHOT_SVG = 'results/moonshot.svg';
const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const kib = (bytes) => (bytes / 1024).toFixed(2);
const mib = (bytes) => Math.round(bytes / 2 ** 20);
const cpu = (latency) => (Number.isFinite(latency.serverCpuMs) ? `${f0(latency.serverCpuMs)} / ${f0(latency.generatorCpuMs)}` : '—');

export function moonshotSection(run) {
  const r = run.result;
  const s = r.single;
  const row = (label, l) =>
    `| ${label} | ${f0(l.held)} of ${f0(l.clients)} (${l.connectErrors}) | ${l.perProcess.map(f0).join(', ')} | ${l.rssPerProcess.map(mib).join(', ')} | ${kib(l.rssPerConnection)} (${(l.rssPerConnection / s.rssPerConnection).toFixed(2)}×) | ${l.latency.p50.toFixed(0)} / ${l.latency.p99.toFixed(0)} / ${l.latency.max.toFixed(0)} | ${l.latency.exact ? 'yes' : 'no'} | ${cpu(l.latency)} |`;
  return [
    '## 100,000 streams on one box',
    '',
    `- Command: \`${run.command}\``,
    `- Date: ${run.date} (finished ${run.finished}); Node ${run.node}`,
    `- ${r.processes} streamnest hub processes on the Redis Streams transport behind one port (node:cluster, round-robin); the generator spreads its streams over processes of at most 10,000, each from its own source address, and publishes through one hub process. Memory per connection is (RSS of the hub processes − their RSS before any client) ÷ clients, after two full GCs in each; "one process" holds the same share (${f0(s.clients)}) alone, in the same run. Latency: median of ${s.latency.probes.length} single-event broadcasts, publish to receive over all clients. CPU: the hub processes' and the generator workers' CPU time during a probe (median), on this machine's 2 cores: it says where the broadcast's time goes.`,
    `- Generator workers: ${r.generator ?? 'node'} (bench/README.md, "The load generator": the Go worker is the Node one's drop-in, for runs where the client's own CPU would decide the figure).`,
    '',
    '| Clients | Held (errors) | Per process | RSS per process MiB | RSS per connection KiB (× one process) | One broadcast p50 / p99 / max ms | Every client got every probe | CPU per broadcast: hubs / generator, core-ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row(`one process, ${f0(s.clients)}`, s),
    ...r.fleet.levels.map((l) => row(f0(l.clients), l)),
    '',
    `![one broadcast's p99 and RSS per connection against clients](${MOONSHOT_SVG})`,
    '',
  ].join('\n');
}

/**
 * Two panels against clients (linear): one broadcast's p99 with the 1 s goal,
 * and RSS per connection with one process's figure and the 1.1× goal. The
 * one-process baseline is a hollow dot at its own client count.
 */
export function moonshotSvg(run) {
  const r = run.result;
  const s = r.single;
  const levels = r.fleet.levels;
  const W = 820,
    H = 420,
    T = 64,
    B = 76,
    panelW = 300;
  const out = svgHead(
    W,
    H,
    70,
    `${f0(levels.at(-1)?.clients)} streams over ${r.processes} hub processes behind one port (${run.date.slice(0, 10)}, Node ${run.node})`,
  );
  out.push(
    `<text x="70" y="40" font-size="11">Median of ${s.latency.probes.length} single-event broadcasts per level; RSS per connection = (RSS of the hubs − their RSS before any client) ÷ clients.</text>`,
  );
  const xMax = Math.max(...levels.map((l) => l.clients), s.clients);
  const xTicks = levels.map((l) => l.clients);
  const xFmt = (v) => `${v / 1000}k`;
  const panel = (x0, yTitle, ys, goal) => {
    const yTicks = linearTicks(Math.max(...ys, goal) * 1.08, 6);
    const box = { x0, y0: T, x1: x0 + panelW, y1: H - B };
    const sc = scales(box, { lo: 0, hi: xMax * 1.05 }, { lo: 0, hi: yTicks.at(-1) });
    axes(out, box, { ...sc, xTicks, yTicks, xFmt, yFmt: (v) => v.toLocaleString('en-US'), xTitle: 'clients', yTitle });
    return { box, sc };
  };
  const hollow = ({ px, py }, x, y, color) =>
    out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="white" stroke="${color}" stroke-width="2"/>`);

  const p99 = levels.map((l) => [l.clients, l.latency.p99]);
  const left = panel(70, 'one broadcast p99, ms', [...p99.map((p) => p[1]), s.latency.p99], 1000);
  hline(out, left.box, left.sc.py, 1000, '#d62728', 'goal: 1 s');
  series(out, p99, '#1f77b4', left.sc, (y) => f0(y));
  hollow(left.sc, s.clients, s.latency.p99, '#1f77b4');

  const kibs = levels.map((l) => [l.clients, l.rssPerConnection / 1024]);
  const oneKib = s.rssPerConnection / 1024;
  const right = panel(70 + panelW + 110, 'RSS per connection, KiB', [...kibs.map((p) => p[1]), oneKib * 1.1], 0);
  hline(out, right.box, right.sc.py, oneKib * 1.1, '#d62728', 'goal: 1.1× one process');
  hline(out, right.box, right.sc.py, oneKib, '#888', `one process: ${oneKib.toFixed(2)}`, '2 3');
  series(out, kibs, '#2ca02c', right.sc, (y) => y.toFixed(2), 16);
  hollow(right.sc, s.clients, oneKib, '#2ca02c');

  legendItem(out, 70, H - 12, '#333', `${r.processes} processes`);
  out.push(
    `<circle cx="${70 + 190}" cy="${H - 12}" r="4" fill="white" stroke="#333" stroke-width="2"/>`,
    `<text x="${70 + 200}" y="${H - 8}">one process alone, holding one process's share (${f0(s.clients)})</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/** Writes the chart next to the JSON (RESULTS.md embeds it). */
export function writeMoonshotChart(run) {
  writeFileSync(MOONSHOT_SVG, moonshotSvg(run));
}
