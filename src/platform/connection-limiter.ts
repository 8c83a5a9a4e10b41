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
  /** Connections open, when the server does not count them itself (Bun's node:http): see `admit`. */
  private total = 0;
  /** Whether this limiter counts connections itself; decided at the first one. */
  private ownCount: boolean | undefined;
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

  /**
   * Counts a new TCP connection (`server` is the one that accepted it).
   * Returns false if it must be cut at once. Node and Deno's node:http count
   * a server's open connections themselves (`_connections`, up as TCP accepts
   * and down as a socket closes), so where they do, a connection needs a
   * 'close' listener of ours only if its address or its refusal is tracked:
   * a third listener on a socket's 'close' grows Node's listener list from 2
   * to 19 slots, about 140 bytes on every connection an event stream holds.
   */
  admit(socket: Socket, server: { _connections?: unknown }): boolean {
    const counted = server._connections;
    this.ownCount ??= typeof counted !== 'number';
    const total = this.ownCount ? ++this.total : (counted as number);
    let fromAddress = 0;
    if (this.maxPerAddress > 0) {
      const address = socket.remoteAddress ?? '';
      fromAddress = (this.perAddress.get(address) ?? 0) + 1;
      this.perAddress.set(address, fromAddress);
    }
    const over = total > this.maxConnections || (this.maxPerAddress > 0 && fromAddress > this.maxPerAddress);
    if (this.ownCount || this.maxPerAddress > 0 || over) socket.on('close', this.onClose);
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
    if (this.ownCount) this.total--;
    if (this.refused.size > 0) this.refused.delete(peer(socket));
    if (this.maxPerAddress === 0) return;
    // remoteAddress was read, and so cached by Node, when the connection was admitted.
    const address = socket.remoteAddress ?? '';
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left === 0) this.perAddress.delete(address);
    else this.perAddress.set(address, left);
  }
}
