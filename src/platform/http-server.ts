import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

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
 * Tracking is per connection, never per request.
 */
export class HttpServer {
  readonly server: AnyServer;
  private readonly h2Sessions = new Set<http2.ServerHttp2Session>();
  /** Only on the HTTP/2 server, whose HTTP/1.1 fallback connections Node does not track for us. */
  private readonly fallbackSockets = new Set<Socket>();

  constructor(listener: RequestListener, options: ListenOptions) {
        if (options.http2) {
      const server = http2.createSecureServer({ allowHTTP1: true, ...options.http2 }, listener);
      server.on('session', (session) => {
        this.h2Sessions.add(session);
        session.once('close', () => this.h2Sessions.delete(session));
      });
      server.on('secureConnection', (socket: Socket) => {
        this.fallbackSockets.add(socket);
        socket.once('close', () => this.fallbackSockets.delete(socket));
      });
      this.server = server;
    } else if (options.https) {
      this.server = https.createServer({ noDelay: true, ...options.https }, listener);
    } else {
      this.server = http.createServer({ noDelay: true }, listener);
    }
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      // A malformed request or a reset: answer 400 if we still can, never crash.
      if (socket.writable && error.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
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

  get listening(): boolean { return this.server.listening; }

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
