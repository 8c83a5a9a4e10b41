/**
 * The protocol between an SSE source and the framework: a value that carries
 * this symbol hands over the session it writes to (see sse/attachable.ts).
 *
 * It lives in common, not in the SSE layer, because code below that layer
 * (the class serializer) must recognise such values to leave them alone.
 */
export const SSE_ATTACH = Symbol.for('streamnest.sse.attach');

/** `Session` is the SSE layer's session, which common does not know of. */
export interface SseAttachable<Session = unknown> {
  [SSE_ATTACH](): Session;
}

export function isAttachable(value: unknown): value is SseAttachable {
  return typeof value === 'object' && value !== null && typeof (value as SseAttachable)[SSE_ATTACH] === 'function';
}
