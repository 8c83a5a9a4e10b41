import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import { SSE_ATTACH } from './attachable.js';
import type { SSEMessageEvent } from './message-event.js';
import { SSE_DEFAULTS, type SseLimits } from './options.js';
import { WebStreamOutput } from './output/web-stream-output.js';
import { SseSession, type CloseReason } from './session.js';
import { checkContract, type ContractEvent, type EventContract, type EventsOf } from './contract/define-events.js';
import { EventCheck, SSE_EVENT_CHECK, validates } from './contract/event-check.js';

export interface SSEStreamOptions {
  /** Runs exactly once when the client goes away (or the server shuts down): stop producing here. */
  cancel?(reason?: CloseReason | unknown): void;
}

/** The options of a typed stream: its contract, and whether its writes are checked against it. */
export interface TypedSSEStreamOptions<C extends EventContract> extends SSEStreamOptions {
  /** The contract made by `defineEvents()`: `write` takes only its events, each with its own type of data. */
  events: C;
  /** Check each write against the contract (SN_ERR_SSE_EVENT_INVALID, nothing sent). Default: the contract's own `validate`, else false. */
  validate?: boolean;
}

export interface SSEStream<Event = SSEMessageEvent> {
  /** Writes one event. Returns false once the client is gone, or when it is behind and you should slow down. */
  write(event: Event): boolean;
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
export function getSSEStream<C extends EventContract>(options: TypedSSEStreamOptions<C>): SSEStream<ContractEvent<EventsOf<C>>>;
export function getSSEStream(options?: SSEStreamOptions): SSEStream;
export function getSSEStream(options: SSEStreamOptions | TypedSSEStreamOptions<EventContract> = {}): SSEStream {
  return new ClientStream(options, checkFor(options));
}

/**
 * The check of a stream made with a contract that validates, or none: chosen
 * here, once, so a stream without one writes exactly as before.
 */
function checkFor(options: SSEStreamOptions | TypedSSEStreamOptions<EventContract>): EventCheck | undefined {
  if (!('events' in options) || options.events === undefined) return undefined;
  const contract = checkContract(options.events, 'getSSEStream({ events })');
  return validates(contract, options.validate, 'getSSEStream({ validate })') ? new EventCheck(contract, 'getSSEStream({ events })') : undefined;
}

/**
 * The handle `getSSEStream` returns. `write` and `end` are bound, so they can
 * be passed around alone (a broadcast keeps a Set of `write`s). The web stream
 * behind `body` is made on first use and let go once the framework has
 * attached its session to a connection: from then on it is dead weight (about
 * 2.5 KiB a client), and an app often keeps this handle for the stream's life.
 */
class ClientStream implements SSEStream {
  readonly write: (event: SSEMessageEvent) => boolean;
  readonly end = (): void => this.session.close('end');
  private readonly session = new SseSession();
  private web: ClientBody | undefined;
  private cancelled = false;

  constructor(
    private readonly options: SSEStreamOptions,
    /** What this stream's writes are checked against, if anything. */
    readonly check: EventCheck | undefined,
  ) {
    // Like an invalid field, a write that breaks the contract throws, unless the client is gone (then every write is a no-op).
    this.write =
      check === undefined
        ? (event) => this.session.write(event)
        : (event) => {
            if (!this.session.isOpen) return false;
            check.check(event);
            return this.session.write(event);
          };
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

  [SSE_EVENT_CHECK](): EventCheck | undefined {
    return this.stream.check;
  }
}
