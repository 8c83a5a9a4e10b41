// The RESULTS.md section of the many-channels run (channels.mjs), and its chart.
// results/channels.json is the latest run (the table); each run is also kept as
// results/channels-<rate>.json, so the chart compares the designs at every rate
// run with the same clients, processes and shards, the latest run winning at its rate.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { COLORS, axes, bar, decades, legendItem, linearTicks, logTicks, scales, svgHead, whisker } from './svg.mjs';

/** Where the chart goes, next to results/channels.json; RESULTS.md links it from bench/. */
export const CHANNELS_SVG = 'results/channels.svg';
const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '—');

/** The many-channels run: one row per design, each process's figures side by side in its cells. */
export function channelsSection(run) {
  const p = run.params;
  const each = (r, fn) => r.perProcess.map(fn).join(' / ');
  const lines = [
    '## many channels',
    '',
    `- Command: \`${run.command}\``,
    `- Date: ${run.date} (finished ${run.finished}); Node ${run.node}; ${run.machine.cpus} cores (${run.machine.model})`,
    `- ${f0(p.clients)} clients, each on its own channel \`user:<id>\`, over ${p.processes} streamnest processes (the hub on the Redis Streams transport, a fresh key per design). A separate streamnest process holding no client publishes ${f0(p.rate)} events/s for ${p.seconds} s, each to one random user. Processes are not pinned: they, Redis and the generator share the machine's cores.`,
    `- Generator workers: ${run.generator ?? 'node'}.`,
    '- Designs: *one stream*: every process reads every event and drops those of channels it has no subscriber for. *Sharded*: the channels are spread over the shards by a hash of their name, and a process reads only the shards its subscribers are in; with users spread evenly (user mod processes) every process has subscribers in every shard. *Placed by shard*: the same shards, each user on the process that owns its shard (shard mod processes), as a load balancer keyed by user would place it.',
    '- Per process (figures separated by /): CPU in % of one core and events its transport read from Redis against events written to its clients, per second, over the publishing window, and the event-loop delay p99 (a process starved of CPU by other work shows a high one, and may then spend less CPU per event, in bigger batches per XREAD and per write: compare CPU only between designs whose lag is low). Latency is publish-to-receive of every event on one monotonic clock. Every event delivered: each user got exactly the events sent to it, in order.',
    '',
    '| Design | Shards | Clients held (errors) | Published events/s | Delivered events/s | Every event delivered | Latency p50 / p99 / max ms | CPU per process % | Read per process /s | Delivered per process /s | Shards read per process | Loop lag p99 per process ms | Redis CPU % | Publisher CPU % |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of run.designs) {
    const l = r.latency;
    lines.push(
      `| ${r.label} | ${r.shards} | ${f0(r.held)} of ${f0(p.clients)} (${r.connectErrors}) | ${f0(r.publishPerSec)} | ${f0(r.deliveredPerSec)} | ${r.exact ? 'yes' : `NO: lost ${r.lost}, extra ${r.extra}, out of order ${r.outOfOrder}, failed ${r.failed}`} | ${f1(l.p50)} / ${f1(l.p99)} / ${f1(l.max)} | ${each(r, (x) => f1(x.cpuPct))} | ${each(r, (x) => f0(x.readPerSec))} | ${each(r, (x) => f0(x.deliveredPerSec))} | ${each(r, (x) => x.shardsRead)} | ${each(r, (x) => f1(x.lagP99))} | ${f1(r.redisCpuPct)} | ${f1(r.publisherCpuPct)} |`,
    );
  }
  const isolated = run.designs.filter((r) => r.othersOnly);
  if (isolated.length) {
    lines.push(
      '',
      `Then, in each design, the same ${f0(p.rate)} events/s for ${p.seconds} s to the users of processes 1…${p.processes - 1} only: process 0 still holds its clients but none of them is sent anything. What process 0 spends then is what the traffic it does not deliver costs it; the goal is that it follows its own subscribers, not the total.`,
      '',
      '| Design | Process 0: CPU % with its share → with none | Process 0: read /s with its share → with none | Process 0: delivered /s with its share → with none | Processes 1…: CPU % with none for process 0 | Every event delivered |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const r of isolated) {
      const a = r.perProcess[0];
      const b = r.othersOnly.perProcess[0];
      const o = r.othersOnly;
      lines.push(
        `| ${r.label} | ${f1(a.cpuPct)} → **${f1(b.cpuPct)}** | ${f0(a.readPerSec)} → **${f0(b.readPerSec)}** | ${f0(a.deliveredPerSec)} → ${f0(b.deliveredPerSec)} | ${o.perProcess
          .slice(1)
          .map((x) => f1(x.cpuPct))
          .join(' / ')} | ${o.exact ? 'yes' : `NO: lost ${o.lost}, extra ${o.extra}, out of order ${o.outOfOrder}, failed ${o.failed}`} |`,
      );
    }
  }
  lines.push(
    '',
    `The generator used ${run.designs.map((r) => `${Math.round(r.generatorCpuPct)}%`).join(', ')} of one core (summed over its workers) in the designs above, in that order; the machine's 1-minute load average at the end of each window was ${run.designs.map((r) => f1(r.loadAverage)).join(', ')}${run.designs.some((r) => r.loadAverage > run.machine.cpus * 1.5) ? ': other work shared the machine, so compare the designs with care' : ''}.`,
    '',
    `![latency p50 and p99 and CPU per process of each design, at each rate run](${CHANNELS_SVG})`,
    '',
  );
  return lines.join('\n');
}

/** Keeps a run under its rate too, for the chart (a later run at the same rate replaces it). */
export function saveRateRun(run) {
  writeFileSync(
    `results/channels-${run.params.rate}.json`,
    JSON.stringify(run, (_key, v) => (typeof v === 'bigint' ? String(v) : v), 2),
  );
}

/** The runs the chart compares: `latest` and every kept run of the same shape at another rate, by rate. */
export function runsByRate(latest) {
  const same = (r) => ['clients', 'processes', 'shards'].every((k) => r.params[k] === latest.params[k]);
  const kept = existsSync('results')
    ? readdirSync('results')
        .filter((f) => /^channels-\d+\.json$/.test(f))
        .map((f) => JSON.parse(readFileSync(`results/${f}`, 'utf8')))
    : [];
  const others = kept.filter((r) => same(r) && r.params.rate !== latest.params.rate);
  return [...others, latest].sort((a, b) => a.params.rate - b.params.rate);
}

/**
 * Three panels, each with one group of bars per rate and one bar per design:
 * latency p50 and p99 (log scale: they span milliseconds to seconds), and CPU
 * per process (the bar is the mean over the processes, the whisker their range).
 */
export function channelsSvg(runs) {
  const p = runs.at(-1).params;
  const designs = [...new Set(runs.flatMap((r) => r.designs.map((d) => d.label)))];
  const design = (r, label) => r.designs.find((d) => d.label === label);
  const W = 920,
    H = 430,
    T = 64,
    B = 90,
    L = 70,
    panelW = 220,
    gap = 90;
  const out = svgHead(
    W,
    H,
    L,
    `Many channels: ${f0(p.clients)} clients on private channels, ${p.processes} processes, ${p.shards} shards (Node ${runs.at(-1).node})`,
  );
  out.push(
    `<text x="${L}" y="40" font-size="11">Each rate is one run (${runs.map((r) => `${f0(r.params.rate)}/s on ${r.date.slice(0, 10)}`).join(', ')}); publish-to-receive latency of every event; CPU over the publishing window.</text>`,
  );
  const lats = runs.flatMap((r) => r.designs.flatMap((d) => [d.latency.p50, d.latency.p99])).filter((v) => v > 0);
  const [e0, e1] = decades(lats);
  const cpuTop = linearTicks(Math.max(...runs.flatMap((r) => r.designs.flatMap((d) => d.perProcess.map((x) => x.cpuPct)))) * 1.15, 5);
  const panels = [
    { title: 'latency p50, ms (log scale)', y: { lo: e0, hi: e1, log: true }, ticks: logTicks(e0, e1), get: (d) => d.latency.p50 },
    { title: 'latency p99, ms (log scale)', y: { lo: e0, hi: e1, log: true }, ticks: logTicks(e0, e1), get: (d) => d.latency.p99 },
    { title: 'CPU per process, % of a core', y: { lo: 0, hi: cpuTop.at(-1) }, ticks: cpuTop, get: (d) => mean(d.perProcess.map((x) => x.cpuPct)), range: true },
  ];
  panels.forEach((pn, i) => {
    const x0 = L + i * (panelW + gap);
    const box = { x0, y0: T, x1: x0 + panelW, y1: H - B };
    const { py } = scales(box, { lo: 0, hi: 1 }, pn.y);
    const groupW = panelW / runs.length;
    const barW = Math.min(36, (groupW - 16) / designs.length);
    const centre = (g) => x0 + groupW * (g + 0.5);
    axes(out, box, { px: () => 0, py, yTicks: pn.ticks, yFmt: (v) => (v >= 1000 ? f0(v) : +v.toPrecision(3)), yTitle: pn.title });
    runs.forEach((r, g) => {
      out.push(`<text x="${centre(g).toFixed(1)}" y="${box.y1 + 16}" text-anchor="middle">${f0(r.params.rate)} events/s</text>`);
      designs.forEach((label, k) => {
        const d = design(r, label);
        if (!d) return;
        const cx = centre(g) + (k - (designs.length - 1) / 2) * barW;
        const v = pn.get(d);
        bar(out, box, py, cx, barW - 3, v, COLORS[(k + 3) % COLORS.length], pn.range ? '' : f1(v));
        if (pn.range) {
          const cpus = d.perProcess.map((x) => x.cpuPct);
          whisker(out, py, cx, Math.min(...cpus), Math.max(...cpus));
          out.push(`<text x="${cx.toFixed(1)}" y="${(py(Math.max(...cpus)) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${f0(v)}</text>`);
        }
      });
    });
  });
  for (const [k, label] of designs.entries()) legendItem(out, L + k * 250, H - 40, COLORS[(k + 3) % COLORS.length], label, { square: true });
  out.push(
    `<text x="${L}" y="${H - 14}" font-size="11">CPU bars: mean over the ${p.processes} processes, whisker: lowest to highest; compare CPU only where loop lag is low (see the table).</text>`,
    '</svg>',
  );
  return out.join('\n');
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Writes the chart of every kept rate next to the JSON (RESULTS.md embeds it). */
export function writeChannelsChart(latest) {
  writeFileSync(CHANNELS_SVG, channelsSvg(runsByRate(latest)));
}
