// Imported, not the global: on Deno the global `Buffer` is a getter that loads it lazily, taken again on every use.
import { Buffer } from 'node:buffer';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { Errors } from '../../errors.js';
import { describeThrown } from '../../common/describe.js';
import { Logger } from '../../common/logger.js';
import { DirectBody } from './direct-body.js';
import { LazyEmitter } from './lazy-bases.js';
import { QueuedBody } from './queued-body.js';
import { type BodyEvents, HIGH_WATER_MARK, type StreamedBody } from './web-body.js';
import { WHOLE_BODY } from '../whole-body.js';
import type { WebRequest } from './web-request.js';

type HeaderValue = string | number | readonly string[];

const logger = new Logger('WebResponse');

/** Headers about the connection, which the runtime's server sets itself and refuses from a handler. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/** An SSE comment line: the least a stream can send that every client ignores. */
const OPENING_COMMENT = new Uint8Array([0x3a, 0x0a]);

/** Header names already checked, by their spelling: a handful repeat on every response. */
const checkedNames = new Map<string, string>();
const MAX_CHECKED_NAMES = 256;
/** Header values already checked (a value is valid under any name): bounded as the names are. */
const checkedValues = new Set<string>();

/** Statuses whose response has no body, which `new Response()` refuses one for. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** How the server the web response goes to differs, where the engine must make up for it. */
export interface ServerQuirks {
  /**
   * The server sends a streamed response's head only with its first bytes
   * (Bun.serve does): an event stream with nothing to send in its first turn
   * then starts with an SSE comment line, which clients ignore, so `open`
   * fires at once rather than at the first event.
   */
  headWaitsForBytes?: boolean;
  /**
   * The server prints the reason a body stream errored with, stack and all
   * (Bun.serve does, unless the reason is undefined): a cut is then made with none.
   */
  printsBodyErrors?: boolean;
  /**
   * The server refuses `Response.error()` (Deno.serve and Bun.serve answer a
   * 500 through their error handler instead): a response cut before its head
   * goes out as a 500 whose body breaks at once. Bun, whose head waits for the
   * first bytes, then cuts the connection as Node would; Deno sends the head
   * first, so its client sees a 500 that breaks. Nothing is logged either way.
   */
  refusesErrorResponse?: boolean;
  /**
   * The server takes Bun's direct streams (`type: 'direct'`), which cost
   * about 4 KiB less per open stream: event streams use one (see DirectBody).
   */
  directEventStreams?: boolean;
}

/**
 * A response in the shape of Node's `ServerResponse`, whose output becomes a
 * web `Response`: what the app writes before `end()` with nothing streamed
 * goes out as one body of bytes; anything written before that turns the body
 * into a `ReadableStream`, with backpressure through the stream's desired size
 * (`write` returns false past 16 KiB unread, `drain` comes when the client has
 * taken it). The client going away cancels the stream: `close` fires, as it
 * does for a Node response whose socket closed.
 */
export class WebResponse extends LazyEmitter implements BodyEvents {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  writableNeedDrain = false;
  // The fields declared with `declare` are on the prototype (the constants below the class) or set only on the
  // paths that need them: a plain answer makes a smaller object, and most requests are plain answers.
  declare readonly writableHighWaterMark: number;
  declare readonly sendDate: boolean;
  /** The runtime owns the connection: there is no socket to write to. */
  declare readonly socket: null;
  /** The web response once the head is decided (at the first write, `flushHeaders()` or `end()`). */
  private decided: Response | undefined;
  /** Made only when something waits before the head is decided: most responses are decided in their first turn. */
  declare private waiting: Promise<Response> | undefined;
  declare private resolveWaiting: ((response: Response) => void) | undefined;
  /** Told when this response closes (the fetch handler's list of open responses). */
  declare onClosed: ((res: WebResponse) => void) | undefined;
  /**
   * By lower-case name: a web `Headers` is case-insensitive, so the spelling
   * the app used has nowhere to go. Made on first use: a whole answer to a
   * response nothing set a header on keeps its type and length in `wholeType` and `wholeLength` instead.
   */
  private table: Map<string, HeaderValue> | undefined;
  /** A whole answer's type and length when no header was set before it (see WHOLE_BODY): the table takes them once made. */
  declare private wholeType: string | undefined;
  declare private wholeLength: number;
  declare private body: StreamedBody | undefined;
  /** `end()`'s callback, called at `finish`. */
  declare private endCallback: (() => void) | undefined;
  /** Whether any body bytes went into the stream yet. */
  private bytesSent = false;

  constructor(
    readonly req: WebRequest,
    private readonly quirks: ServerQuirks = {},
  ) {
    super();
  }

  /** Resolves with the web response once the head is decided. */
  get response(): Promise<Response> {
    if (this.decided) return Promise.resolve(this.decided);
    this.waiting ??= new Promise((resolve) => {
      this.resolveWaiting = resolve;
    });
    return this.waiting;
  }

  /** The web response if the head is decided already, else the promise of it: what a server's fetch handler returns. */
  get result(): Response | Promise<Response> {
    return this.decided ?? this.response;
  }

  /** Whether the head is decided and the web response made. */
  get isDecided(): boolean {
    return this.decided !== undefined;
  }

  private resolve(response: Response): void {
    this.decided = response;
    this.resolveWaiting?.(response);
  }

  get finished(): boolean {
    return this.writableEnded;
  }

  get writable(): boolean {
    return !this.writableEnded && !this.destroyed;
  }

  /** Bytes written and not yet taken by the client. */
  get writableLength(): number {
    return this.body?.unsent ?? 0;
  }

  /** Checked as Node checks (a CR or LF in a value throws), with the names already seen remembered. */
  setHeader(name: string, value: HeaderValue): this {
    let key = checkedNames.get(name);
    if (key === undefined) {
      validateHeaderName(name);
      key = name.toLowerCase();
      if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.set(name, key);
    }
    if (typeof value === 'string') {
      // The values that repeat (a Content-Type, nosniff) are checked once; others each time.
      if (!checkedValues.has(value)) {
        validateHeaderValue(name, value);
        if (checkedValues.size < MAX_CHECKED_NAMES) checkedValues.add(value);
      }
    } else if (typeof value !== 'number') validateHeaderValue(name, value as unknown as string);
    this.headerTable.set(key, value);
    return this;
  }

  private get headerTable(): Map<string, HeaderValue> {
    if (this.table === undefined) {
      this.table = new Map();
      if (this.wholeType !== undefined) fillWhole(this.table, this.wholeType, this.wholeLength);
    }
    return this.table;
  }

  appendHeader(name: string, value: HeaderValue): this {
    const current = this.getHeader(name);
    if (current === undefined) return this.setHeader(name, value);
    const list = (Array.isArray(current) ? current : [String(current)]).concat(Array.isArray(value) ? value : [String(value)]);
    return this.setHeader(name, list);
  }

  getHeader(name: string): number | string | string[] | undefined {
    return this.headerTable.get(lowerCase(name)) as number | string | string[] | undefined;
  }

  hasHeader(name: string): boolean {
    return this.headerTable.has(lowerCase(name));
  }

  removeHeader(name: string): void {
    this.headerTable.delete(lowerCase(name));
  }

  getHeaderNames(): string[] {
    return [...this.headerTable.keys()];
  }

  getHeaders(): Record<string, number | string | string[]> {
    const headers: Record<string, number | string | string[]> = Object.create(null);
    for (const [key, value] of this.headerTable) headers[key] = value as number | string | string[];
    return headers;
  }

  /** As Node's: `writeHead(status, [message], [headers])`, headers as an object or a flat list of names and values. */
  writeHead(status: number, message?: string | Record<string, HeaderValue> | HeaderValue[], headers?: Record<string, HeaderValue> | HeaderValue[]): this {
    if (typeof message !== 'string') {
      headers = message;
      message = undefined;
    }
    this.statusCode = status;
    if (message !== undefined) this.statusMessage = message;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(String(headers[i]), headers[i + 1]!);
    } else if (headers) {
      for (const name of Object.keys(headers)) this.setHeader(name, headers[name]!);
    }
    return this;
  }

  /**
   * A handler's whole answer (see WholeBody): the headers Node's response
   * would carry, set without the checks `setHeader` makes (the names and
   * values are the framework's own), then `end`.
   */
  [WHOLE_BODY](body: string | Uint8Array, type: string): void {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    // Nothing set a header yet (the common case): no table to make, the web response gets the two it sends straight.
    if (this.table === undefined) {
      this.wholeType = type;
      this.wholeLength = length;
    } else fillWhole(this.table, this.table.has('content-type') ? undefined : type, length);
    this.end(body);
  }

  /** Sends the head now: the body becomes a stream the app writes to. */
  flushHeaders(): void {
    if (this.headersSent || this.destroyed) return;
    this.startStream();
    if (this.quirks.headWaitsForBytes && this.isEventStream()) {
      // Only for a stream still quiet after this turn and the next (the SSE scheduler writes queued events in an immediate):
      // the first events, when the app has them at once, carry the head themselves, byte for byte as on Node.
      setImmediate(() => setImmediate(() => this.openIfQuiet()));
    }
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (this.writableEnded || this.destroyed) {
      callback?.(Errors.RESPONSE_ENDED());
      return false;
    }
    if (!this.headersSent) this.startStream();
    const room = this.sendBytes(bytesOf(chunk, encoding));
    if (callback) queueMicrotask(() => callback());
    if (!room) this.writableNeedDrain = true;
    return room;
  }

  end(chunk?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (this.writableEnded || this.destroyed) return this;
    this.writableEnded = true;
    if (!this.headersSent) {
      // Nothing streamed: the whole body in one piece, the common case (a UTF-8 string goes as it is).
      this.headersSent = true;
      const utf8 = typeof chunk === 'string' && (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8');
      this.answer(chunk === undefined || chunk === null ? null : utf8 ? (chunk as string) : bytesOf(chunk, encoding as BufferEncoding | undefined));
    } else {
      if (chunk !== undefined && chunk !== null) this.sendBytes(bytesOf(chunk, encoding as BufferEncoding | undefined));
      this.body?.end();
    }
    if (callback !== undefined) this.endCallback = callback;
    finishSoon(this);
    return this;
  }

  /** Cuts the response: before the head, the runtime gets an error response (it closes the connection); after, the stream errors. */
  destroy(_error?: Error): this {
    if (this.destroyed || this.writableFinished) return this;
    this.destroyed = true;
    if (!this.headersSent) {
      this.headersSent = true;
      this.resolve(this.quirks.refusesErrorResponse ? brokenAnswer(this.cutReason()) : Response.error());
    } else if (!this.writableEnded) {
      this.body?.cut(this.cutReason());
    }
    queueMicrotask(() => this.emitClose());
    return this;
  }

  /** What a cut body breaks with: the app's own reason (a slow client, say) is the app's to report; the server hears only that it was cut. */
  private cutReason(): Error | undefined {
    return this.quirks.printsBodyErrors ? undefined : Errors.RESPONSE_DESTROYED();
  }

  /** Writes are never held back for batching: the web stream takes each at once. */
  cork(): void {}
  uncork(): void {}

  /** Node's per-response socket timeout; the runtime's server owns connection timeouts. */
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    return this;
  }

  private startStream(): void {
    this.headersSent = true;
    this.req.client.streaming?.();
    this.body = this.quirks.directEventStreams && this.isEventStream() ? new DirectBody(this) : new QueuedBody(this);
    this.answer(this.body.stream);
  }

  private isEventStream(): boolean {
    return String(this.getHeader('content-type')).startsWith('text/event-stream');
  }

  /** The body's unsent bytes fell under the mark (BodyEvents). */
  bodyDrained(): void {
    if (!this.writableNeedDrain) return;
    this.writableNeedDrain = false;
    this.emit('drain');
  }

  /**
   * The web response, made once. A status `Response` refuses (outside
   * 200–599; Node allows 100–999) answers 500 with no body: the handler's
   * promise must settle whatever the app set.
   */
  private answer(body: string | Uint8Array | ReadableStream<Uint8Array> | null): void {
    try {
      const allowed = this.bodyAllowed();
      const bytesBody = allowed && body !== null && !(body instanceof ReadableStream);
      this.resolve(this.made(allowed ? body : null, bytesBody));
    } catch {
      if (body instanceof ReadableStream) body.cancel().catch(() => undefined);
      this.resolve(new Response(null, { status: 500 }));
    }
  }

  /**
   * Sent as it is, not copied: the framework shares one event's bytes
   * between every subscriber and never changes them, and neither Deno nor
   * Bun takes ownership of what a body stream gives them (checked on both).
   * Node's own response keeps a written Buffer by reference too.
   */
  private sendBytes(bytes: Uint8Array): boolean {
    if (bytes.byteLength === 0 || !this.body) return this.writableLength < HIGH_WATER_MARK;
    this.bytesSent = true;
    return this.body.send(bytes);
  }

  /** The opening comment, for an event stream that has sent nothing yet: its head then goes out (see `ServerQuirks`). */
  private openIfQuiet(): void {
    if (!this.bytesSent && !this.writableEnded && !this.destroyed) this.sendBytes(OPENING_COMMENT);
  }

  /** The runtime cancelled the body: the client left (BodyEvents). */
  bodyCancelled(): void {
    if (this.destroyed || this.writableFinished) return;
    this.destroyed = true;
    this.emitClose();
  }

  /** `finish` then `close`, a microtask after `end()` as on Node (see finishSoon). */
  finishEnded(): void {
    if (this.destroyed) return;
    this.writableFinished = true;
    this.endCallback?.();
    this.emit('finish');
    this.emitClose();
  }

  /** `close`, here and on the request's socket (which only exists if the app asked for it). */
  private emitClose(): void {
    this.emit('close');
    this.req.responseClosed();
    this.onClosed?.(this);
  }

  private bodyAllowed(): boolean {
    return this.req.method !== 'HEAD' && !NULL_BODY.has(this.statusCode);
  }

  /**
   * The web response with this status and these headers. Made bare and then
   * given its headers one by one: in Deno that is several times quicker than
   * an init object with headers (or a status other than 200).
   * `Content-Length` is left to the runtime for a body of bytes, which it
   * counts itself; a string body's default Content-Type is not the app's.
   */
  private made(body: string | Uint8Array | ReadableStream<Uint8Array> | null, bytesBody: boolean): Response {
    const response =
      this.statusCode === 200 && !this.statusMessage
        ? new Response(body as BodyInit | null)
        : new Response(body as BodyInit | null, this.statusMessage ? { status: this.statusCode, statusText: this.statusMessage } : { status: this.statusCode });
    const headers = response.headers;
    const table = this.table;
    if (table === undefined) {
      if (this.wholeType !== undefined) {
        headers.set('content-type', this.wholeType);
        headers.append('x-content-type-options', 'nosniff');
      } else if (typeof body === 'string') headers.delete('content-type');
      return response;
    }
    if (typeof body === 'string' && !table.has('content-type')) headers.delete('content-type');
    for (const [key, value] of table) {
      if (HOP_BY_HOP.has(key) || (key === 'content-length' && bytesBody)) continue;
      // A new Response has no header but a string body's Content-Type, so appending is setting, and cheaper (Deno).
      if (Array.isArray(value)) for (const item of value) headers.append(key, String(item));
      else if (key === 'content-type') headers.set(key, typeof value === 'string' ? value : String(value));
      else headers.append(key, typeof value === 'string' ? value : String(value));
    }
    return response;
  }
}

// Writable, as own fields were: an app that sets one (`res.sendDate = false`) gets its own.
Object.defineProperties(WebResponse.prototype, {
  writableHighWaterMark: { value: HIGH_WATER_MARK, writable: true },
  sendDate: { value: false, writable: true },
  socket: { value: null, writable: true },
});

/** Responses ended in this turn, finished together in one microtask: no closure per response, one microtask per batch. */
const ended: WebResponse[] = [];

function finishSoon(res: WebResponse): void {
  if (ended.push(res) === 1) queueMicrotask(finishAllEnded);
}

function finishAllEnded(): void {
  // Responses that end during the loop (a `finish` listener answering another) join it.
  for (let i = 0; i < ended.length; i++) {
    try {
      ended[i]!.finishEnded();
    } catch (error) {
      // User code (an end callback, a `finish` or `close` listener): reported, and the rest still finish.
      logger.error(`a response's end callback or 'finish'/'close' listener threw`, describeThrown(error).stack);
    }
  }
  ended.length = 0;
}

/** A whole answer's headers, as Node's response would carry them (a type the app set is kept: `type` undefined). */
function fillWhole(table: Map<string, HeaderValue>, type: string | undefined, length: number): void {
  if (type !== undefined) table.set('content-type', type);
  table.set('content-length', length);
  table.set('x-content-type-options', 'nosniff');
}

/** A header name in lower case, from the names already checked when it is one (no new string per call). */
function lowerCase(name: string): string {
  return checkedNames.get(name) ?? name.toLowerCase();
}

function bytesOf(chunk: string | Uint8Array, encoding?: BufferEncoding): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk;
}

/** A 500 whose body breaks at once: the nearest to a cut a server that refuses `Response.error()` allows. */
function brokenAnswer(reason: Error | undefined): Response {
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.error(reason),
  });
  return new Response(body, { status: 500 });
}
