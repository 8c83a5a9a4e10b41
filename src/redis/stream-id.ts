/** Redis stream ids, `<ms>-<seq>`: parsing and ordering. */
const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

export function compareStreamIds(a: string, b: string): number {
  const [, am = '0', as = '0'] = STREAM_ID.exec(a) ?? [];
  const [, bm = '0', bs = '0'] = STREAM_ID.exec(b) ?? [];
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}
