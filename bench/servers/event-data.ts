/**
 * The data every server publishes, Node or anchor: `t=<hrtime ns> b=<batch> s=<seq>`.
 * The generator (gen/worker.mjs) reads the publish time, the batch and the
 * sequence number from it; the clock is the monotonic one both processes share.
 * Deno's and Bun's `process.hrtime` count from their own start rather than from
 * boot, so the runner sets an offset that puts their stamps on Node's clock
 * (lib/clock.mjs); it stays 0 on Node.
 */
let offset = 0n;

export function setClockOffset(ns: bigint): void {
  offset = ns;
}

/** Now on the generator's clock, in nanoseconds: the stamp in every event and the start of every publish. */
export function clockNow(): bigint {
  return process.hrtime.bigint() + offset;
}

export function eventData(batch: number, seq: number): string {
  return `t=${clockNow()} b=${batch} s=${seq}`;
}
