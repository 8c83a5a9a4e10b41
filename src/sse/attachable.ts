import type { SseSession } from './session.js';

/**
 * The protocol between an SSE source and the framework: a value that carries
 * this symbol hands over the session it writes to, and the framework attaches
 * that session to the connection, so events go to the socket with no web-stream
 * machinery in between. `getSSEStream().body` and hub subscriptions speak it.
 */
export const SSE_ATTACH = Symbol.for('streamnest.sse.attach');

export interface SseAttachable {
  [SSE_ATTACH](): SseSession;
}

export function isAttachable(value: unknown): value is SseAttachable {
  return typeof value === 'object' && value !== null && typeof (value as SseAttachable)[SSE_ATTACH] === 'function';
}
