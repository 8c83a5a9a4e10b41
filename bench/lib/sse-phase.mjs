// The SSE scenarios on one running server (run.mjs and runtimes.mjs share
// them): warm-up and empty-process baseline, then per level the ramp, RSS per
// connection, one-broadcast latency (median of `probes`) and the sustained
// fan-out (fastest of `bursts`), every event checked. Fills `out` with
// `baseRss` and `levels`; the caller starts and kills the server.
import { setTimeout as sleep } from 'node:timers/promises';
import { Generator } from '../gen/generator.mjs';

const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);

/** Events per sustained burst: `mode.burst`, else 400,000 / clients clamped to 20–200. */
export function burstSize(mode, n) {
  if (mode.burst) return mode.burst;
  return Math.max(20, Math.min(200, Math.round(400_000 / n)));
}

/**
 * `h` is the server's handle (lib/proc.mjs, with `port`); `mode` has levels,
 * probes, bursts and burst; `clientCpu` is where the generator's workers run.
 */
export async function measureSse(h, out, { name, mode, clientCpu, log }) {
  let gen;
  try {
    // Warm the server's SSE path (JIT, lazy modules), then drop those clients:
    // the "empty process" baseline is measured after this, with no clients.
    const warm = new Generator({ port: h.port, cpu: clientCpu });
    try {
      await warm.rampTo(50);
      await warm.measure(5, (b) => h.rpc({ cmd: 'publish', batch: b, count: 5 }), 10_000);
    } finally {
      await warm.close();
    }
    await sleep(300);
    const base = await h.rpc({ cmd: 'mem' });
    out.baseRss = base.rss;

    gen = new Generator({ port: h.port, cpu: clientCpu });
    out.levels = [];
    for (const n of mode.levels) {
      log(`  ${name}: ramp to ${n}`);
      const ramp = await gen.rampTo(n, 15_000);
      const lv = { clients: n, held: ramp.held, connectErrors: ramp.errors, firstError: ramp.firstError, rampMs: ramp.ms };
      out.levels.push(lv);
      await sleep(200);
      const mem = await h.rpc({ cmd: 'mem' });
      lv.rss = mem.rss;
      lv.rssPerConn = ramp.held ? (mem.rss - base.rss) / ramp.held : NaN;

      // Latency of one broadcast, repeated `probes` times. The machine is shared
      // and noisy, so each figure (p50, p99, max over the clients of one
      // broadcast) is the median over the probes; the pooled p99 is kept too.
      const lats = [];
      const perProbe = [];
      let probeExact = true,
        genCpu = 0,
        genWall = 0;
      for (let i = 0; i < mode.probes; i++) {
        const r = await gen.measure(1, (b) => h.rpc({ cmd: 'publish', batch: b, count: 1 }), 10_000 + n);
        const one = [...r.lats].sort((a, b) => a - b);
        perProbe.push({ p50: pct(one, 0.5) / 1e3, p99: pct(one, 0.99) / 1e3, max: one.at(-1) / 1e3 });
        for (const x of r.lats) lats.push(x);
        probeExact &&= r.exact;
        genCpu += r.cpuMs;
        genWall += r.wallMs;
        await sleep(100);
      }
      lats.sort((a, b) => a - b);
      const med = (k) => {
        const v = perProbe.map((p) => p[k]).sort((a, b) => a - b);
        return v[(v.length - 1) >> 1];
      };
      lv.latency = {
        p50: med('p50'),
        p99: med('p99'),
        max: med('max'),
        pooledP99: pct(lats, 0.99) / 1e3,
        pooledMax: lats.at(-1) / 1e3,
        probes: perProbe,
        samples: lats.length,
        exact: probeExact,
      };

      // Sustained fan-out: bursts of K events, one per server event-loop turn.
      // Repeated `bursts` times; the fastest (least disturbed) burst is reported,
      // and "exact" requires every burst to reach every client completely.
      const k = burstSize(mode, n);
      const runs = [];
      for (let i = 0; i < mode.bursts; i++) {
        await h.rpc({ cmd: 'lag-reset' });
        const r = await gen.measure(k, (b) => h.rpc({ cmd: 'publish', batch: b, count: k }, 120_000), 30_000 + (n * k) / 50);
        const lag = await h.rpc({ cmd: 'lag' });
        const startedAt = BigInt(r.publish.startedAt);
        const secs = r.last > startedAt ? Number(r.last - startedAt) / 1e9 : NaN;
        runs.push({
          burst: k,
          expected: r.held * k,
          received: r.received,
          exact: r.exact,
          complete: r.complete,
          incomplete: r.incomplete,
          outOfOrder: r.outOfOrder,
          timedOut: r.timedOut,
          seconds: secs,
          eventsPerSec: r.received / secs,
          lagP99: lag.p99,
          lagMax: lag.max,
          genCpu: r.cpuMs / r.wallMs,
          publishMs: r.publish.publishMs,
        });
        await sleep(100);
      }
      const best = runs.reduce((a, b) => ((b.eventsPerSec || 0) > (a.eventsPerSec || 0) ? b : a));
      lv.throughput = {
        ...best,
        exact: runs.every((x) => x.exact),
        runs: runs.map((x) => Math.round(x.eventsPerSec)),
        // The bursts that missed: a lost event, or a burst still arriving when the generator's wait ran out.
        incompleteRuns: runs.filter((x) => !x.exact).map((x) => ({ received: x.received, expected: x.expected, timedOut: x.timedOut })),
      };
      const lag = { p99: best.lagP99 };
      const r = { exact: lv.throughput.exact, received: runs.find((x) => !x.exact)?.received ?? best.received, held: ramp.held };
      lv.genCpuLatency = genWall ? genCpu / genWall : NaN;
      lv.clientBound = lv.throughput.genCpu > 0.9;
      log(
        `  ${name} @${n}: held ${ramp.held} (errors ${ramp.errors}${ramp.firstError ? `: ${ramp.firstError}` : ''}), ` +
          `rss/conn ${(lv.rssPerConn / 1024).toFixed(2)} KiB, p50/p99/max ${lv.latency.p50.toFixed(1)}/${lv.latency.p99.toFixed(1)}/${lv.latency.max.toFixed(1)} ms, ` +
          `${Math.round(lv.throughput.eventsPerSec)} ev/s ${r.exact ? 'exact' : `NOT EXACT (${r.received}/${r.held * k})`}, lag p99 ${Number.isFinite(lag.p99) ? `${lag.p99.toFixed(1)} ms` : 'n/a'}, gen CPU ${(lv.throughput.genCpu * 100).toFixed(0)}%`,
      );
      if (ramp.held < n * 0.5) {
        log(`  ${name}: held under half of ${n}; not ramping further`);
        break;
      }
    }
  } finally {
    if (gen) await gen.close();
  }
}
