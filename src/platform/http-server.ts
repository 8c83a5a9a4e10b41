import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { statusText } from '../common/exceptions.js';
import { ConnectionLimiter } from './connection-limiter.js';
import { withDeadline } from '../common/deadline.js';
import type { ServerLimits } from './server-limits.js';
import { Http1Request, Http2Request } from '../http/express-request.js';
import { Http1Response, Http2Response } from '../http/express-response.js';

export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  [option: string]: unknown;
}

export interface ListenOptions {
  port?: number;
  hostname?: string;
  /** Serve HTTPS with these TLS options. */
  https?: TlsOptions;
  /** Serve HTTP/2 over TLS with these options, falling back to HTTP/1.1 for clients without it. */
  http2?: TlsOptions;
}

export type AnyServer = http.Server | https.Server | http2.Http2SecureServer;
type RequestListener = (req: any, res: any) => void;

/**
 * The request and response classes the servers make: Node's own, with the
 * Express API on their prototypes (req.get, res.status().json(), …), so a
 * request costs nothing more for it. (Typed as Node's own classes, which
 * they are, so the server keeps its plain type.)
 */
const HTTP1_CLASSES = { IncomingMessage: Http1Request, ServerResponse: Http1Response } as unknown as Pick<
  http.ServerOptions,
  'IncomingMessage' | 'ServerResponse'
>;
const HTTP2_CLASSES = {
  Http1IncomingMessage: Http1Request,
  Http1ServerResponse: Http1Response,
  Http2ServerRequest: Http2Request,
  Http2ServerResponse: Http2Response,
} as unknown as Pick<http2.SecureServerOptions, 'Http1IncomingMessage' | 'Http1ServerResponse' | 'Http2ServerRequest' | 'Http2ServerResponse'>;

/** Streams one HTTP/2 connection may carry at once (Node's own default is 2³² − 1); an SSE client needs a handful. */
const DEFAULT_MAX_STREAMS = 128;

/**
 * The listening server and what a graceful close needs: its sockets and
 * HTTP/2 sessions, which `server.close()` alone would wait on forever.
 * Tracking is per connection, never per request. It also applies the time
 * and connection limits, and answers requests Node could not parse.
 */
export class HttpServer {
  readonly server: AnyServer;
  private readonly h2Sessions = new Set<http2.ServerHttp2Session>();
  /** Only on TLS servers: connections Node does not track for us (HTTP/2's HTTP/1.1 fallback, handshakes under way). */
  private readonly tlsSockets = new Set<Socket>();
  private readonly limiter: ConnectionLimiter;

  constructor(listener: RequestListener, options: ListenOptions, limits: ServerLimits) {
    this.limiter = new ConnectionLimiter(limits.maxConnections, limits.maxConnectionsPerAddress);
    const timeouts = {
      headersTimeout: limits.headersTimeout,
      requestTimeout: limits.requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      maxHeaderSize: limits.maxHeaderSize,
      // Node checks the header and request timeouts every 30 s by default, far too late for a 10 s limit.
      connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(limits.headersTimeout / 4))),
    };
    // A TLS handshake that never finishes holds a connection too.
    const tls = { handshakeTimeout: limits.headersTimeout };
    if (options.http2) {
      const settings = { maxConcurrentStreams: DEFAULT_MAX_STREAMS, ...(options.http2.settings as object | undefined) };
      const server = http2.createSecureServer({ allowHTTP1: true, ...HTTP2_CLASSES, ...tls, ...timeouts, ...options.http2, settings }, listener);
      server.on('session', (session) => this.trackSession(session, limits.keepAliveTimeout));
      // Its HTTP/1.1 fallback takes these as properties, set in its constructor.
      const { headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval } = timeouts;
      Object.assign(server, { headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval });
      this.server = server;
    } else if (options.https) {
      this.server = https.createServer({ noDelay: true, ...HTTP1_CLASSES, ...tls, ...timeouts, ...options.https }, listener);
    } else {
      this.server = http.createServer({ noDelay: true, ...HTTP1_CLASSES, ...timeouts }, listener);
    }
    if (!options.http2) (this.server as http.Server).keepAliveTimeout = limits.keepAliveTimeout;
    const tracked = options.http2 !== undefined || options.https !== undefined;
    // Counted when TCP accepts, before any TLS handshake.
    this.server.on('connection', (socket: Socket) => {
      if (!this.limiter.admit(socket, this.server as { _connections?: unknown })) {
        socket.destroy();
        return;
      }
      if (tracked) this.trackTlsSocket(socket);
    });
    this.server.on('clientError', answerClientError);
  }

  /** A TLS server's TCP sockets, from before their handshake: Node tracks none of them that close() could cut. */
  private trackTlsSocket(socket: Socket): void {
    this.tlsSockets.add(socket);
    socket.once('close', () => this.tlsSockets.delete(socket));
  }

  /** True when the request came on a connection over a limit: answer it with `refuse`, after the app's middleware. */
  isRefused(req: { socket: { remoteAddress?: string; remotePort?: number } }): boolean {
    return this.limiter.isRefused(req.socket);
  }

  refuse(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.limiter.refuse(req, res);
  }

  /**
   * An HTTP/2 session: refused outright when over a limit (its streams cannot
   * each be answered and closed alone), and closed once it has had no stream
   * for `idleMs`, as an idle keep-alive connection is.
   */
  private trackSession(session: http2.ServerHttp2Session, idleMs: number): void {
    if (session.socket && this.limiter.isRefused(session.socket)) {
      session.destroy();
      return;
    }
    this.h2Sessions.add(session);
    let open = 0;
    let idle: NodeJS.Timeout | undefined = setTimeout(() => session.close(), idleMs);
    session.on('stream', (stream) => {
      open++;
      clearTimeout(idle);
      stream.once('close', () => {
        if (--open === 0 && !session.closed) idle = setTimeout(() => session.close(), idleMs);
      });
    });
    session.once('close', () => {
      clearTimeout(idle);
      this.h2Sessions.delete(session);
    });
  }

  listen(port: number, hostname: string | undefined): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, hostname, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /**
   * Stops accepting and closes idle keep-alive connections at once; requests in
   * flight may finish within `timeoutMs`, then whatever remains is cut.
   */
  async close(timeoutMs: number): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    (this.server as http.Server).closeIdleConnections?.();
    for (const session of this.h2Sessions) session.close();
    await withDeadline(closed, timeoutMs).catch(() => undefined);
    for (const session of this.h2Sessions) session.destroy();
    // Plain HTTP/1.1 connections are tracked by Node itself; TLS ones by us.
    (this.server as http.Server).closeAllConnections?.();
    for (const socket of this.tlsSockets) socket.destroy();
    await closed;
  }
}

/** Node's parser errors, as HTTP statuses: an oversized head is 431, a slow one 408, the rest 400. */
const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * A request Node could not parse, or one too slow to arrive. The answer goes
 * out only if nothing of a response has been written on this connection yet:
 * garbage pipelined behind an SSE request must not inject a status line into
 * the middle of its event stream. Otherwise the connection is just cut.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // Node's own default handler decides the same way, from the same field.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  // A TLS failure (a handshake that timed out, say) has no HTTP to answer with.
  const tlsFailure = /^ERR_(TLS|SSL)_/.test(error.code ?? '');
  if (error.code === 'ECONNRESET' || tlsFailure || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
  const body = JSON.stringify({ statusCode: status, message: statusText(status), error: statusText(status) });
  socket.end(
    `HTTP/1.1 ${status} ${statusText(status)}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `X-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
