import { Logger } from '../common/logger.js';
import { SSE_ATTACH } from './attachable.js';
import { encodeEvent } from './encode.js';
import { encodeShared } from './broadcast-memo.js';
import type { SSEMessageEvent } from './message-event.js';
import type { CloseReason, SseSession } from './session.js';

export interface SSEStreamOptions {
  /** Runs exactly once when the client goes away (or the server shuts down): stop producing here. */
  cancel?(reason?: CloseReason | unknown): void;
}

export interface SSEStream {
  /** Writes one event. Returns false once the client is gone, or when it is behind and you should slow down. */
  write(event: SSEMessageEvent): boolean;
  /** Ends the stream. The client's EventSource will reconnect unless it closes itself. */
  end(): void;
  /** Return this from an `@Sse` handler. A standard web ReadableStream of the encoded bytes. */
  body: ReadableStream<Uint8Array>;
}

const logger = new Logger('SSE');
const encoder = new TextEncoder();
/** Events written before the stream is attached to a connection are kept, up to this many bytes. */
const PENDING_LIMIT = 1024 * 1024;

/**
 * A stream of events for one client, as the seed page describes it. When the
 * handler returns `body`, the framework attaches it directly to the connection;
 * consumed any other way, `body` is an ordinary ReadableStream.
 */
export function getSSEStream(options: SSEStreamOptions = {}): SSEStream {
  let session: SseSession | undefined;
  let web: ReadableStreamDefaultController<Uint8Array> | undefined;
  let pending: string[] = [];
  let pendingBytes = 0;
  let ended = false;
  let cancelled = false;

  const cancel = (reason: unknown) => {
    if (cancelled) return;
    cancelled = true;
    ended = true;
    pending = [];
    try {
      options.cancel?.(reason);
    } catch (error) {
      logger.error('the cancel callback of getSSEStream threw', (error as Error)?.stack);
    }
  };

  const write = (event: SSEMessageEvent): boolean => {
    if (ended) return false;
    if (session) return session.writeQueued(encodeShared(event));
    const text = encodeEvent(event);
    if (web) {
      web.enqueue(encoder.encode(text));
      return (web.desiredSize ?? 0) > 0;
    }
    pendingBytes += text.length;
    if (pendingBytes > PENDING_LIMIT) return false;
    pending.push(text);
    return true;
  };

  const end = () => {
    if (ended) return;
    ended = true;
    if (session) session.close('end');
    else if (web) web.close();
  };

  const body = new ReadableStream<Uint8Array>({
    // Someone reads `body` as a plain web stream: switch to web mode.
    pull(controller) {
      if (web || session) return;
      web = controller;
      for (const text of pending) controller.enqueue(encoder.encode(text));
      pending = [];
      if (ended && !cancelled) controller.close();
    },
    cancel(reason) { cancel(reason); },
  }, { highWaterMark: 0 });

  Object.defineProperty(body, SSE_ATTACH, {
    value(target: SseSession) {
      session = target;
      target.onClose((reason) => { if (reason !== 'end') cancel(reason); });
      for (const text of pending) target.write(text);
      pending = [];
      if (ended) target.close('end');
    },
  });

  return { write, end, body };
}
