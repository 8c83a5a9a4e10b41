import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { LazyReadable } from './lazy-bases.js';
import { setOwn } from '../prototype-methods.js';

/** Who is on the other end, as a web server reports it (Deno's `info.remoteAddr`, Bun's `server.requestIP()`). */
export interface WebClient {
  address?: string;
  port?: number;
  /** True when the connection is TLS: `req.protocol` is then `https`. */
  secure?: boolean;
  /**
   * Settles when the exchange is over, rejecting if the client went away
   * first (Deno's `info.completed`). Without it, the request's `signal` says so.
   */
  closed?: Promise<unknown>;
  /** Called once when the response's body becomes a stream (Bun: its idle timeout is lifted for it). */
  streaming?(): void;
}

/**
 * The part of a socket the pipeline and handlers read: the client's address,
 * whether the connection is TLS, and its `close` event (`req.socket.once('close')`,
 * how a handler on Node hears a client leave). The runtime owns the real
 * connection, so `close` is the response's: the fetch handler emits it here
 * when the response closes, finished or cut.
 */
class WebSocketInfo extends EventEmitter {
  constructor(
    readonly remoteAddress: string | undefined,
    readonly remotePort: number | undefined,
    readonly encrypted: boolean,
  ) {
    super();
  }
}

/**
 * A web `Request` in the shape of Node's `IncomingMessage`, so the compiled
 * route pipeline (middleware, guards, pipes, the body parser, uploads, the
 * Express methods) runs on it unchanged. The body is a Node `Readable` that
 * pulls from the web body only when something reads it, and whose stream
 * state is made only then (LazyReadable).
 */
export class WebRequest extends LazyReadable {
  readonly method: string;
  url: string;
  // On the prototype (below the class): the same for every request, so no room in each.
  declare readonly httpVersion: string;
  declare readonly httpVersionMajor: number;
  declare readonly httpVersionMinor: number;
  /** True once the whole body has been read, as Node's `req.complete` (false on the prototype until then). */
  declare complete: boolean;
  /** The web request this one stands for (its `signal` aborts when the client goes away). */
  readonly webRequest: Request;
  /** Who asked, as the server in front said (read lazily: Bun computes an address only when asked). */
  readonly client: WebClient;
  declare private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  constructor(request: Request, client: WebClient = {}) {
    super();
    this.webRequest = request;
    this.method = request.method;
    this.url = pathOf(request.url);
    this.client = client;
  }

  /** Made on first use: most requests never ask who the client is. */
  get socket(): WebSocketInfo {
    const client = this.client;
    return setOwn(this, 'socket', new WebSocketInfo(client.address, client.port, client.secure ?? this.webRequest.url.startsWith('https:')));
  }

  /** Lower-case names, as Node's; copied from the web request on first use (a plain GET may never look). */
  get headers(): IncomingHttpHeaders {
    return setOwn(this, 'headers', headersOf(this.webRequest));
  }

  set headers(value: IncomingHttpHeaders) {
    setOwn(this, 'headers', value);
  }

  /** The response closed, and with it the connection as far as the app can tell: `req.socket.once('close')` hears it, as on Node. */
  responseClosed(): void {
    if (Object.hasOwn(this, 'socket')) this.socket.emit('close', false);
  }

  /** Node's old alias of `socket`, which some middleware still reads. */
  get connection(): WebSocketInfo {
    return this.socket;
  }

  override _read(): void {
    const body = this.webRequest.body;
    if (body === null) {
      this.finishBody();
      return;
    }
    this.reader ??= body.getReader();
    this.reader.read().then(
      ({ done, value }) => {
        if (done) this.finishBody();
        else this.push(value);
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Stops the runtime reading a body nobody wants any more (an upload refused half way).
    this.reader?.cancel().catch(() => undefined);
    // As Node's IncomingMessage: the error is emitted only to listeners there are, so a client that leaves mid-body is no crash.
    callback(this.listenerCount('error') > 0 ? error : null);
  }

  private finishBody(): void {
    this.complete = true;
    this.push(null);
  }
}

Object.defineProperties(WebRequest.prototype, {
  httpVersion: { value: '1.1', writable: true },
  httpVersionMajor: { value: 1, writable: true },
  httpVersionMinor: { value: 1, writable: true },
  complete: { value: false, writable: true },
});

/** The request target as a client sent it: the absolute URL's path and query. */
function pathOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash === -1 ? '/' : url.slice(slash);
}

/** The authority part of an absolute URL (`host[:port]`), as a Host header spells it. */
function hostOf(url: string): string {
  const start = url.indexOf('//') + 2;
  const end = url.indexOf('/', start);
  return url.slice(start, end === -1 ? undefined : end);
}

/**
 * Headers as Node gives them: lower-case names, repeated ones joined, a Host. A body
 * with no length (a `Request` made in code, say) is marked chunked, so the body
 * parser knows one comes, as it would over HTTP/1.1.
 */
function headersOf(request: Request): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const setCookie = request.headers.getSetCookie?.();
  if (setCookie && setCookie.length > 0) headers['set-cookie'] = setCookie;
  // HTTP/2 has no Host header (Deno.serve puts :authority in the URL), nor has a Request made in code: the URL's host stands in, as Node's HTTP/2 layer reads :authority.
  if (headers.host === undefined) headers.host = hostOf(request.url);
  if (request.body !== null && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['transfer-encoding'] = 'chunked';
  }
  return headers;
}
