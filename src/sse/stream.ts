import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import { SSE_ATTACH } from './attachable.js';
import type { SSEMessageEvent } from './message-event.js';
import { SSE_DEFAULTS, type SseLimits } from './options.js';
import { WebStreamOutput } from './output/web-stream-output.js';
import { SseSession, type CloseReason } from './session.js';

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
/** Read as a plain web stream, nobody's heartbeats apply. */
const WEB_LIMITS: SseLimits = { ...SSE_DEFAULTS, heartbeat: false };

/**
 * A stream of events for one client, as the seed page describes it: a session
 * from the start. Events written before the handler returns `body` wait in the
 * session's queue (bounded like any client's unsent bytes). Returned from an
 * `@Sse` handler, the session is attached to the connection; read any other
 * way, `body` is an ordinary ReadableStream fed by the same session.
 */
export function getSSEStream(options: SSEStreamOptions = {}): SSEStream {
  const session = new SseSession();
  let cancelled = false;
  const cancel = (reason: unknown) => {
    if (cancelled) return;
    cancelled = true;
    try {
      options.cancel?.(reason);
    } catch (error) {
      logger.error('the cancel callback of getSSEStream threw', describeThrown(error).stack);
    }
  };
  session.onClose((reason) => { if (reason !== 'end') cancel(reason); });

  const body = new ReadableStream<Uint8Array>({
    // Someone reads `body` as a plain web stream: the session writes to it.
    pull(controller) {
      if (!session.attached) session.attach(new WebStreamOutput(controller), WEB_LIMITS);
    },
    cancel(reason) {
      cancel(reason);
      session.disconnected();
    },
  }, { highWaterMark: 0, size: (chunk) => chunk.byteLength });
  Object.defineProperty(body, SSE_ATTACH, { value: () => session });

  return {
    write: (event) => session.write(event),
    end: () => session.close('end'),
    body,
  };
}
