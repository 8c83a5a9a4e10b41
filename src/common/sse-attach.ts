/**
 * The protocol between an SSE source and a session: a value that carries this
 * symbol is attached straight to the session, so its events go to the socket
 * with a direct write and no web-stream machinery in between.
 * `getSSEStream().body` and hub subscriptions both speak it.
 *
 * It lives in common, not in the SSE layer, because code below that layer
 * (the class serializer) must recognise such values to leave them alone.
 */
export const SSE_ATTACH = Symbol.for('streamnest.sse.attach');

/** `Session` is the SSE layer's session, which common does not know of. */
export interface SseAttachable<Session = unknown> {
  [SSE_ATTACH](session: Session): void;
}

export function isAttachable(value: unknown): value is SseAttachable {
  return typeof value === 'object' && value !== null && typeof (value as SseAttachable)[SSE_ATTACH] === 'function';
}
