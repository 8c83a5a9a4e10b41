import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { statusText } from '../common/exceptions.js';
import { ConnectionLimiter } from './connection-limiter.js';
import type { ServerLimits } from './server-limits.js';

export interface TlsOptions { key: string | Buffer; cert: string | Buffer; [option: string]: unknown }

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
 * The listening server and what a graceful close needs: its sockets and
 * HTTP/2 sessions, which `server.close()` alone would wait on forever.
 * Tracking is per connection, never per request. It also applies the time
 * and connection limits, and answers requests Node could not parse.
 */
export class HttpServer {
  readonly server: AnyServer;
  private readonly h2Sessions = new Set<http2.ServerHttp2Session>();
  /** Only on the HTTP/2 server, whose HTTP/1.1 fallback connections Node does not track for us. */
  private readonly fallbackSockets = new Set<Socket>();
  private readonly limiter: ConnectionLimiter;

  constructor(listener: RequestListener, options: ListenOptions, limits: ServerLimits) {
    this.limiter = new ConnectionLimiter(limits.maxConnections, limits.maxConnectionsPerAddress);
    const limiter = this.limiter;
    // Connections over a limit get one answer; everything else goes straight on.
    const handle: RequestListener = (req, res) => (limiter.isRefused(req) ? limiter.refuse(req, res) : listener(req, res));
    const timeouts = {
      headersTimeout: limits.headersTimeout,
      requestTimeout: limits.requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      maxHeaderSize: limits.maxHeaderSize,
      // Node checks the header and request timeouts every 30 s by default, far too late for a 10 s limit.
      connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(limits.headersTimeout / 4))),
    };
    if (options.http2) {
      const server = http2.createSecureServer({ allowHTTP1: true, ...options.http2 }, handle);
      server.on('session', (session) => {
        this.h2Sessions.add(session);
        session.once('close', () => this.h2Sessions.delete(session));
      });
      server.on('secureConnection', (socket: TLSSocket) => {
        // An HTTP/2 connection over the limit is cut: its streams cannot each be answered on their own.
        if (!limiter.admit(socket, socket.alpnProtocol !== 'h2')) { socket.destroy(); return; }
        this.fallbackSockets.add(socket);
        socket.once('close', () => this.fallbackSockets.delete(socket));
      });
      Object.assign(server, { headersTimeout: limits.headersTimeout, requestTimeout: limits.requestTimeout, keepAliveTimeout: limits.keepAliveTimeout });
      this.server = server;
    } else if (options.https) {
      this.server = https.createServer({ noDelay: true, ...timeouts, ...options.https }, handle);
      this.server.on('secureConnection', (socket: TLSSocket) => { if (!limiter.admit(socket, true)) socket.destroy(); });
    } else {
      this.server = http.createServer({ noDelay: true, ...timeouts }, handle);
      this.server.on('connection', (socket: Socket) => { if (!limiter.admit(socket, true)) socket.destroy(); });
    }
    if (!options.http2) (this.server as http.Server).keepAliveTimeout = limits.keepAliveTimeout;
    this.server.on('clientError', answerClientError);
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

  get listening(): boolean { return this.server.listening; }

  /** Open connections, and the client addresses they come from (counted only with a per-address limit). */
  connections(): { open: number; addresses: number } { return this.limiter.stats(); }

  /**
   * Stops accepting and closes idle keep-alive connections at once; requests in
   * flight may finish within `timeoutMs`, then whatever remains is cut.
   */
  async close(timeoutMs: number): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    (this.server as http.Server).closeIdleConnections?.();
    for (const session of this.h2Sessions) session.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
    await Promise.race([closed, timeout]);
    clearTimeout(timer);
    for (const session of this.h2Sessions) session.destroy();
    // HTTP/1.1 connections are tracked by Node itself, except on the HTTP/2 server.
    (this.server as http.Server).closeAllConnections?.();
    for (const socket of this.fallbackSockets) socket.destroy();
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
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
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
