/**
 * Ids are `<stream incarnation>-<stream sequence>`. The sequence orders events
 * across every channel of the stream, so one Last-Event-ID resumes a client
 * of several channels exactly. The incarnation (the stream's creation time)
 * tells a recreated stream, whose sequences start again at 1, from the old one:
 * an id of the old stream is unknown, and the client gets `reset`.
 */
const ID = /^([0-9a-z]{1,16})-(\d{1,16})$/;

export function incarnationOf(created: string): string {
  const ms = Date.parse(created);
  return (Number.isFinite(ms) ? ms : 0).toString(36);
}

export function formatId(incarnation: string, seq: number): string {
  return `${incarnation}-${seq}`;
}

/** The sequence of an id, if it is one of ours of this incarnation. */
export function parseId(id: string, incarnation: string): number | undefined {
  const match = ID.exec(id);
  if (!match || match[1] !== incarnation) return undefined;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/** Orders two ids by sequence (the hub compares ids of one incarnation). */
export function compareIds(a: string, b: string): number {
  const sa = Number(ID.exec(a)?.[2] ?? 0);
  const sb = Number(ID.exec(b)?.[2] ?? 0);
  return sa - sb;
}
