import type { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Refused connections still waiting for their one answer; past this many, new ones are cut at once. */
const MAX_REFUSED_OPEN = 1024;
const REFUSED_BODY = JSON.stringify({ statusCode: 503, message: 'Too many connections; retry shortly.', error: 'Service Unavailable' });

/** Names a connection by its peer, the same for the TCP socket and the TLS socket over it. */
function peer(socket: { remoteAddress?: string; remotePort?: number }): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

/**
 * Counts open connections, in total and per client address, from the moment
 * TCP accepts them (so TLS handshakes count too). A connection past a limit is
 * not cut blind: its first request is answered, after the app's middleware (so
 * CORS headers are on it), with 503 and `Retry-After`, or for an EventSource
 * with a 200 stream holding only a jittered `retry:` (a 503 would make
 * EventSource give up for good); then the connection closes. Only a flood of
 * refused connections is cut at once.
 */
export class ConnectionLimiter {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  /** Refused connections waiting for their answer, by peer. */
  private readonly refused = new Set<string>();
  /** One listener function for every socket's 'close', so a connection costs no closure of its own. */
  private readonly onClose: (this: Socket) => void;

  constructor(
    private readonly maxConnections: number,
    private readonly maxPerAddress: number,
  ) {
    const limiter = this;
    this.onClose = function (this: Socket) {
      limiter.release(this);
    };
  }

  /** Counts a new TCP connection. Returns false if it must be cut at once. */
  admit(socket: Socket): boolean {
    this.total++;
    let fromAddress = 0;
    if (this.maxPerAddress > 0) {
      const address = socket.remoteAddress ?? '';
      fromAddress = (this.perAddress.get(address) ?? 0) + 1;
      this.perAddress.set(address, fromAddress);
    }
    socket.on('close', this.onClose);
    const over = this.total > this.maxConnections || (this.maxPerAddress > 0 && fromAddress > this.maxPerAddress);
    if (!over) return true;
    if (this.refused.size >= MAX_REFUSED_OPEN) return false;
    this.refused.add(peer(socket));
    return true;
  }

  /** True when a request (or an HTTP/2 session) came on a connection over a limit. */
  isRefused(socket: { remoteAddress?: string; remotePort?: number }): boolean {
    return this.refused.size > 0 && this.refused.has(peer(socket));
  }

  /** The one answer of a refused connection; headers the app's middleware set (CORS) are kept. */
  refuse(req: IncomingMessage, res: ServerResponse): void {
    const eventStream = (req.headers.accept ?? '').includes('text/event-stream');
    if (eventStream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'close', 'X-Content-Type-Options': 'nosniff' });
      res.end(`retry: ${1_000 + Math.floor(Math.random() * 2_001)}\n\n`);
    } else {
      res.writeHead(503, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(REFUSED_BODY),
        'Retry-After': '2',
        Connection: 'close',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(REFUSED_BODY);
    }
  }

  private release(socket: Socket): void {
    this.total--;
    if (this.refused.size > 0) this.refused.delete(peer(socket));
    if (this.maxPerAddress === 0) return;
    // remoteAddress was read, and so cached by Node, when the connection was admitted.
    const address = socket.remoteAddress ?? '';
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left === 0) this.perAddress.delete(address);
    else this.perAddress.set(address, left);
  }
}
