import type { SseSession } from './session.js';
import { isAttachable as isAttachableValue, type SseAttachable as Attachable } from '../common/sse-attach.js';

/**
 * The protocol between an SSE source and the framework: a value that carries
 * `SSE_ATTACH` hands over the session it writes to, and the framework attaches
 * that session to the connection, so events go to the socket with no web-stream
 * machinery in between. `getSSEStream().body` and hub subscriptions speak it.
 * The symbol lives in common, where the class serializer needs to see it.
 */
export { SSE_ATTACH } from '../common/sse-attach.js';
export type SseAttachable = Attachable<SseSession>;

export function isAttachable(value: unknown): value is SseAttachable {
  return isAttachableValue(value);
}
