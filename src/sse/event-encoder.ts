import { encodeEvent } from './encode.js';
import type { SSEMessageEvent } from './message-event.js';
import { EncodedEvent } from './encoded-event.js';

/**
 * Encodes the events an app writes to its streams one by one. A broadcast
 * written as a loop over streams (the pattern of `getSSEStream` with a Set)
 * passes equal events one after another; when every field is a primitive equal
 * to the last one's, the encoding is the same, so the bytes are shared instead
 * of rebuilt. Object `data` is never reused: it may have been mutated since.
 * Each app has its own, so apps in one process never see each other's events.
 */
export class EventEncoder {
  private last: { data: unknown; id: unknown; event: unknown; type: unknown; retry: unknown; comment: unknown; encoded: EncodedEvent } | undefined;

  encode(ev: SSEMessageEvent): EncodedEvent {
    const last = this.last;
    const { data, id, event, type, retry, comment } = ev;
    if (
      last &&
      typeof data === 'string' &&
      data === last.data &&
      id === last.id &&
      event === last.event &&
      type === last.type &&
      retry === last.retry &&
      comment === last.comment
    ) {
      return last.encoded;
    }
    const encoded = EncodedEvent.of(encodeEvent(ev));
    this.last = typeof data === 'string' || data === undefined ? { data, id, event, type, retry, comment, encoded } : undefined;
    return encoded;
  }
}
