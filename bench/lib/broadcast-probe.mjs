// One broadcast to every held client, repeated: the latency of each probe is
// publish-to-receive over all clients on one monotonic clock, and the figure
// reported is the median probe, so one stall of this shared machine does not
// decide it. Every client must get every probe exactly once.
import { setTimeout as sleep } from 'node:timers/promises';

export const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** Publishes `probes` single events through `server` (the one the generator's publish goes to). */
export async function probeBroadcast(gen, server, probes, timeoutMs = 30_000) {
  const perProbe = [];
  let exact = true;
  for (let i = 0; i < probes; i++) {
    const before = await serverCpu(server);
    const r = await gen.measure(1, (batch) => server.rpc({ cmd: 'publish', batch, count: 1 }, 120_000), timeoutMs);
    const after = await serverCpu(server);
    const lats = [...r.lats].sort((a, b) => a - b);
    perProbe.push({
      p50: percentile(lats, 0.5) / 1e3,
      p99: percentile(lats, 0.99) / 1e3,
      max: lats.at(-1) / 1e3,
      received: r.received,
      held: r.held,
      // Where the time went: CPU of the servers and of the generator's workers during the probe.
      serverCpuMs: after - before,
      generatorCpuMs: r.cpuMs,
    });
    exact &&= r.exact;
    await sleep(200);
  }
  const median = (k) => perProbe.map((p) => p[k]).sort((a, b) => a - b)[(perProbe.length - 1) >> 1];
  return {
    p50: median('p50'),
    p99: median('p99'),
    max: median('max'),
    serverCpuMs: median('serverCpuMs'),
    generatorCpuMs: median('generatorCpuMs'),
    probes: perProbe,
    exact,
  };
}

/** The server's CPU time so far in ms, or NaN for a server that does not tell (an anchor). */
async function serverCpu(server) {
  try {
    return (await server.rpc({ cmd: 'cpu' }, 10_000)).cpuMs;
  } catch {
    return Number.NaN;
  }
}
