import type { Response } from '../common/interfaces.js';
import type { SseLimits } from './options.js';
import type { SseRuntime } from './runtime.js';
import type { Socket } from 'node:net';
import { encodeComment } from './encode.js';
import { frameChunk, SharedEvent } from './shared-event.js';
import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';

const HEARTBEAT = SharedEvent.of(encodeComment());

/** The SSE response headers. `no-transform` also keeps compression middleware away. */
const SSE_HEADERS = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
});
/** On HTTP/1.1 only: the header is forbidden in HTTP/2. */
const SSE_HEADERS_HTTP1 = Object.freeze({ ...SSE_HEADERS, Connection: 'keep-alive' });

/**
 * Why a slow client's connection is destroyed. One error, made once: Node fails
 * every write still queued on a destroyed socket, and without an error of our
 * own it builds a fresh one, stack trace and all, for each of them. Dropping
 * thousands of slow clients with a thousand queued events each then stalled the
 * event loop for seconds; with this it costs microseconds.
 */
const SLOW_CLIENT = Object.assign(new Error('SSE client dropped: its unsent bytes passed the limit'), { code: 'SN_SSE_SLOW_CLIENT' });

const logger = new Logger('SSE');

/** Why a session ended, as its source's teardown sees it. */
export type CloseReason = 'client' | 'end' | 'slow' | 'shutdown' | 'error' | 'busy';

/**
 * One live SSE connection. It writes the headers at once, writes each event in
 * one write, sends heartbeats when idle, enforces the unsent-bytes limits, and
 * runs its teardown exactly once when the connection closes for any reason.
 */
export class SseSession {
  private open = true;
  /** Set by every write, cleared by every heartbeat tick: a tick that finds it clear sends a heartbeat. */
  private active = false;
  private teardown: ((reason: CloseReason) => void) | undefined;
  private reason: CloseReason = 'client';
  /**
   * On HTTP/1.1 chunked responses, events go straight to the socket, framed by
   * us: one write per event instead of Node's four writes, cork and nextTick.
   * `res.end()` still writes the final chunk, so the framing stays consistent.
   */
  private direct: Socket | undefined;
  /**
   * On the direct path, `write` only queues: the runtime flushes sessions in
   * slices on the next turn, so a loop writing to thousands of streams never
   * blocks the event loop for long, and events written in a burst go out together.
   */
  private pending: Array<string | Buffer> | undefined;
  private pendingBytes = 0;
  /** This session's unsent bytes as last reported to the runtime's app-wide total. */
  private reported = 0;
  private watchingDrain = false;

  constructor(
    readonly response: Response,
    private readonly limits: SseLimits,
    private readonly runtime: SseRuntime,
  ) {}

  /** Sends the headers, flushed, so the client's `open` fires before the first event. */
  start(): void {
    const res = this.response as import('node:http').ServerResponse & { chunkedEncoding?: boolean };
    const http2 = (res as { stream?: unknown }).stream !== undefined;
    if (!http2 && res.getHeaderNames().length === 0) {
      // The common case, no middleware headers: one writeHead with a shared object, so the
      // response keeps no per-connection header table for its whole (long) life.
      res.writeHead(200, SSE_HEADERS_HTTP1);
    } else {
      res.statusCode = 200;
      for (const [name, value] of Object.entries(http2 ? SSE_HEADERS : SSE_HEADERS_HTTP1)) res.setHeader(name, value);
      res.removeHeader('Content-Length');
      res.removeHeader('Content-Encoding');
    }
    res.on('close', () => this.closed());
    res.flushHeaders();
    if (!http2 && res.chunkedEncoding === true && res.socket) this.direct = res.socket;
    this.runtime.register(this, this.limits.heartbeat);
    // The client may have left while an async handler was still working: its 'close' has already fired.
    if (res.destroyed) this.closed();
  }

  get isOpen(): boolean { return this.open; }

  /** The unsent bytes past which this session is dropped as too slow. */
  get maxBufferedBytes(): number { return this.limits.maxBufferedBytes; }

  /** Runs once when the session closes: the source stops producing here. */
  onClose(teardown: (reason: CloseReason) => void): void {
    if (this.open) this.teardown = teardown;
    else this.runTeardown(teardown);
  }

  /**
   * Writes bytes already encoded as whole events. Returns false when the client
   * is gone or the unsent bytes pass the high-water mark; past the hard limit,
   * the client is dropped so memory stays bounded.
   */
  write(chunk: string | Uint8Array): boolean {
    if (!this.open) return false;
    this.active = true;
    if (this.direct) {
      if (typeof chunk === 'string') {
        const length = Buffer.byteLength(chunk);
        this.defer(`${length.toString(16)}\r\n${chunk}\r\n`, length);
      } else {
        this.defer(frameChunk(chunk), chunk.byteLength);
      }
    } else {
      (this.response as import('node:http').ServerResponse).write(chunk);
    }
    return this.afterWrite();
  }

  /**
   * Writes an event encoded once for many sessions: the same Buffer goes to
   * every socket at once (the hub slices its own fan-out), after anything queued.
   */
  writeShared(event: SharedEvent): boolean {
    if (!this.open) return false;
    this.active = true;
    if (this.pending) {
      this.pending.push(event.framed);
      this.pendingBytes += event.bytes.length;
    } else if (this.direct) this.direct.write(event.framed);
    else (this.response as import('node:http').ServerResponse).write(event.bytes);
    return this.afterWrite();
  }

  /** Like `write`, for bytes encoded once and possibly shared with other sessions; queued on the direct path. */
  writeQueued(event: SharedEvent): boolean {
    if (!this.open) return false;
    this.active = true;
    if (this.direct) this.defer(event.framed, event.bytes.length);
    else (this.response as import('node:http').ServerResponse).write(event.bytes);
    return this.afterWrite();
  }

  private defer(framed: string | Buffer, bytes: number): void {
    this.pendingBytes += bytes;
    if (this.pending) {
      this.pending.push(framed);
      return;
    }
    this.pending = [framed];
    this.runtime.scheduleFlush(this);
  }

  /** Writes what `write` queued, in one corked system call. The runtime calls it; so does closing. */
  flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.pendingBytes = 0;
    const socket = this.direct!;
    if (socket.destroyed) return;
    if (pending.length === 1) {
      socket.write(pending[0]!);
    } else {
      socket.cork();
      for (const framed of pending) socket.write(framed);
      socket.uncork();
    }
    this.report(socket.writableLength);
  }

  /** Holds writes until `uncork`, so several events leave in one system call. */
  cork(): void {
    if (this.direct) this.direct.cork();
    else (this.response as import('node:http').ServerResponse).cork?.();
  }

  uncork(): void {
    if (this.direct) this.direct.uncork();
    else (this.response as import('node:http').ServerResponse).uncork?.();
  }

  /**
   * Past its own limit a client is dropped. So is one whose socket is backed up
   * (past the high-water mark) while the app as a whole holds more unsent bytes
   * than `maxTotalBufferedBytes`: the total stays bounded however many clients
   * stall. Bytes merely queued this turn, not yet offered to the socket, do not
   * make a client "behind".
   */
  private afterWrite(): boolean {
    const backlog = this.backlog();
    const unsent = backlog + this.pendingBytes;
    this.report(unsent);
    if (unsent < this.limits.highWaterMark) return true;
    if (unsent > this.limits.maxBufferedBytes || (backlog >= this.limits.highWaterMark && this.runtime.overBudget())) {
      this.close('slow');
      return false;
    }
    if (backlog >= this.limits.highWaterMark) this.watchDrain();
    return false;
  }

  private report(unsent: number): void {
    if (unsent === this.reported) return;
    this.runtime.addBuffered(unsent - this.reported);
    this.reported = unsent;
  }

  /** Bytes the socket (or the response) holds but has not sent. */
  private backlog(): number {
    return (this.direct ?? this.response).writableLength;
  }

  private unsent(): number {
    return this.backlog() + this.pendingBytes;
  }

  /**
   * Once a backed-up socket drains, its count in the app-wide total is brought
   * up to date, even if nothing more is written to it (an idle stream without
   * heartbeats would otherwise count as behind for ever).
   */
  private watchDrain(): void {
    if (this.watchingDrain || !this.willDrain()) return;
    this.watchingDrain = true;
    (this.direct ?? this.response).once('drain', () => {
      this.watchingDrain = false;
      if (this.open) this.report(this.unsent());
    });
  }

  /**
   * Resolves once the unsent bytes are under the high-water mark, or at once
   * when the session is closed. Bytes in our own queue leave at the next flush,
   * which may never cause a 'drain' (the socket took them all): for those it
   * waits a turn and looks again.
   */
  async drained(): Promise<void> {
    while (this.open && this.unsent() >= this.limits.highWaterMark) {
      if (this.backlog() >= this.limits.highWaterMark && this.willDrain()) await this.socketDrained();
      else if (this.pendingBytes > 0) await new Promise((resolve) => setImmediate(resolve));
      // Under the socket's own high-water mark (a highWaterMark set below 16 KiB), no 'drain' comes: look again shortly.
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** True when the socket will emit 'drain': only after a write it refused. HTTP/2 responses always do. */
  private willDrain(): boolean {
    return (this.direct ?? this.response as { writableNeedDrain?: boolean }).writableNeedDrain ?? true;
  }

  private socketDrained(): Promise<void> {
    const emitter = this.direct ?? this.response;
    return new Promise((resolve) => {
      const done = () => { emitter.off('drain', done); this.response.off('close', done); resolve(); };
      emitter.on('drain', done);
      this.response.on('close', done);
    });
  }

  beat(): void {
    if (!this.active) this.writeShared(HEARTBEAT);
    this.active = false;
  }

  /**
   * Asks the client to come back in `base` to `2 × base` ms (the jitter spreads
   * a crowd of reconnects out), then ends the stream.
   */
  retryLater(base = 1_000, reason: CloseReason = 'busy'): void {
    this.write(`retry: ${base + Math.floor(Math.random() * (base + 1))}\n\n`);
    this.close(reason);
  }

  /** Ends the stream cleanly (the client will reconnect) or cuts it (slow client). */
  close(reason: CloseReason): void {
    if (!this.open) return;
    this.reason = reason;
    if (reason === 'slow') {
      this.runtime.countSlowDrop();
      this.pending = undefined;
      this.response.destroy(SLOW_CLIENT);
    } else {
      // What was queued goes out before the final chunk.
      this.flush();
      this.response.end();
    }
    this.closed();
  }

  private closed(): void {
    if (!this.open) return;
    this.open = false;
    this.pending = undefined;
    this.pendingBytes = 0;
    this.report(0);
    this.runtime.unregister(this, this.limits.heartbeat);
    const teardown = this.teardown;
    this.teardown = undefined;
    if (teardown) this.runTeardown(teardown);
  }

  /** Teardown runs user code (an unsubscribe, an iterator's return), often from a socket event: a throw there must not escape. */
  private runTeardown(teardown: (reason: CloseReason) => void): void {
    try {
      teardown(this.reason);
    } catch (error) {
      const { message, stack } = describeThrown(error);
      logger.error(`closing an SSE source failed: ${message}`, stack);
    }
  }
}
