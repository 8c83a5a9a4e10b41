/**
 * The data every server publishes, Node or anchor: `t=<hrtime ns> b=<batch> s=<seq>`.
 * The generator (gen/worker.mjs) reads the publish time, the batch and the
 * sequence number from it; the clock is the monotonic one both processes share.
 */
export function eventData(batch: number, seq: number): string {
  return `t=${process.hrtime.bigint()} b=${batch} s=${seq}`;
}
