import { encodeEvent } from './encode.js';
import type { SSEMessageEvent } from './message-event.js';
import { SharedEvent } from './shared-event.js';

/**
 * Remembers the last event encoded through `getSSEStream().write`. A broadcast
 * written as a loop over streams (the seed page's pattern) passes equal events
 * one after another; when every field is a primitive equal to the last one,
 * the encoding is the same, so the bytes are shared instead of rebuilt. Object
 * `data` is never memoised: it may have been mutated since.
 */
let last: { data: unknown; id: unknown; event: unknown; retry: unknown; comment: unknown; encoded: SharedEvent } | undefined;

export function encodeShared(ev: SSEMessageEvent): SharedEvent {
  const { data, id, event, retry, comment } = ev;
  if (last && typeof data === 'string' && data === last.data && id === last.id && event === last.event && retry === last.retry && comment === last.comment) {
    return last.encoded;
  }
  const encoded = SharedEvent.of(encodeEvent(ev));
  last = typeof data === 'string' || data === undefined ? { data, id, event, retry, comment, encoded } : undefined;
  return encoded;
}
