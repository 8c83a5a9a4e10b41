// Puts a Deno or Bun server's event stamps on the generator's clock. Node's
// process.hrtime counts from boot (CLOCK_MONOTONIC), Deno's and Bun's from
// their own start, at the same rate. The runner reads the server's clock
// (`clock` over IPC) several times, takes the reading with the shortest round
// trip, and sets offset = midpoint of that round trip - the server's reading;
// the error is at most half that round trip (tens of microseconds here,
// against broadcast latencies of milliseconds). Node servers need none.

/** Measures and sets the offset; returns `{ offsetNs, errorUs }`. */
export async function syncClock(h, rounds = 15) {
  let best;
  for (let i = 0; i < rounds; i++) {
    const before = process.hrtime.bigint();
    const { t } = await h.rpc({ cmd: 'clock' });
    const after = process.hrtime.bigint();
    const rtt = after - before;
    if (!best || rtt < best.rtt) best = { rtt, offset: (before + after) / 2n - BigInt(t) };
  }
  await h.rpc({ cmd: 'clock-offset', offset: String(best.offset) });
  return { offsetNs: String(best.offset), errorUs: Number(best.rtt) / 2e3 };
}
