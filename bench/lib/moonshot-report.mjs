// The RESULTS.md section of the moonshot run (moonshot.mjs).
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
    '',
    '| Clients | Held (errors) | Per process | RSS per process MiB | RSS per connection KiB (× one process) | One broadcast p50 / p99 / max ms | Every client got every probe | CPU per broadcast: hubs / generator, core-ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row(`one process, ${f0(s.clients)}`, s),
    ...r.fleet.levels.map((l) => row(f0(l.clients), l)),
    '',
  ].join('\n');
}
