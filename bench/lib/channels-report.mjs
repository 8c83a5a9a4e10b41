// The RESULTS.md section of the many-channels run (channels.mjs).
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
  lines.push(
    '',
    `The generator used ${run.designs.map((r) => `${Math.round(r.generatorCpuPct)}%`).join(', ')} of one core (summed over its workers) in the designs above, in that order; the machine's 1-minute load average at the end of each window was ${run.designs.map((r) => f1(r.loadAverage)).join(', ')}${run.designs.some((r) => r.loadAverage > run.machine.cpus * 1.5) ? ': other work shared the machine, so compare the designs with care' : ''}.`,
    '',
  );
  return lines.join('\n');
}
