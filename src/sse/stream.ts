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
  return new ClientStream(options);
}

/**
 * The handle `getSSEStream` returns. `write` and `end` are bound, so they can
 * be passed around alone (a broadcast keeps a Set of `write`s). The web stream
 * behind `body` is made on first use and let go once the framework has
 * attached its session to a connection: from then on it is dead weight (about
 * 2.5 KiB a client), and an app often keeps this handle for the stream's life.
 */
class ClientStream implements SSEStream {
  readonly write = (event: SSEMessageEvent): boolean => this.session.write(event);
  readonly end = (): void => this.session.close('end');
  private readonly session = new SseSession();
  private web: ClientBody | undefined;
  private cancelled = false;

  constructor(private readonly options: SSEStreamOptions) {
    this.session.onClose((reason) => {
      if (reason !== 'end') this.cancel(reason);
    });
  }

  get body(): ReadableStream<Uint8Array> {
    this.web ??= new ClientBody(this);
    return this.web;
  }

  /** The framework takes the session to attach it: the web stream is no longer needed. */
  handOver(): SseSession {
    this.web = undefined;
    return this.session;
  }

  /** Someone reads `body` as a plain web stream: the session writes to it. */
  readAsWebStream(controller: ReadableStreamDefaultController<Uint8Array>): void {
    if (!this.session.attached) this.session.attach(new WebStreamOutput(controller), WEB_LIMITS);
  }

  cancelByReader(reason: unknown): void {
    this.cancel(reason);
    this.session.disconnected();
  }

  /** The app's `cancel`, at most once; a throw there is logged, never raised from a socket event. */
  private cancel(reason: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    try {
      this.options.cancel?.(reason);
    } catch (error) {
      logger.error('the cancel callback of getSSEStream threw', describeThrown(error).stack);
    }
  }
}

/** `body`: a web stream that also speaks `SSE_ATTACH`, so the framework takes its session instead of reading it. */
class ClientBody extends ReadableStream<Uint8Array> {
  constructor(private readonly stream: ClientStream) {
    super(
      {
        pull: (controller) => stream.readAsWebStream(controller),
        cancel: (reason) => stream.cancelByReader(reason),
      },
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  [SSE_ATTACH](): SseSession {
    return this.stream.handOver();
  }
}
