import type { SseSession } from './session.js';

/**
 * The protocol between an SSE source and a session: a value that carries this
 * symbol is attached straight to the session, so its events go to the socket
 * with a direct write and no web-stream machinery in between.
 * `getSSEStream().body` and hub subscriptions both speak it.
 */
export const SSE_ATTACH = Symbol.for('streamnest.sse.attach');

export interface SseAttachable {
  [SSE_ATTACH](session: SseSession): void;
}

export function isAttachable(value: unknown): value is SseAttachable {
  return typeof value === 'object' && value !== null && typeof (value as SseAttachable)[SSE_ATTACH] === 'function';
}
