import { encodeEvent } from './encode.js';
import { EncodedEvent } from './encoded-event.js';
import type { SSEMessageEvent } from './message-event.js';
import { SSE_DEFAULTS, type SseLimits } from './options.js';
import { HEARTBEAT } from './heartbeat.js';
import type { SseOutput } from './output/sse-output.js';
import { scheduler, type Slice, type SlicedTask } from './slice-scheduler.js';
import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import { Errors } from '../errors.js';

/**
 * Why a slow client's connection is destroyed. One error, made once: Node fails
 * every write still queued on a destroyed socket, and without an error of our
 * own it builds a fresh one, stack trace and all, for each of them. Dropping
 * thousands of slow clients with a thousand queued events each then stalled the
 * event loop for seconds; with this it costs microseconds.
 */
const SLOW_CLIENT = Errors.SLOW_CLIENT();

const logger = new Logger('SSE');

/** Why a session ended, as its source's teardown sees it. */
export type CloseReason = 'client' | 'end' | 'slow' | 'shutdown' | 'error' | 'busy';

/**
 * What runs once when a session closes: a function, or a source that holds
 * its session anyway and is told through its own `sessionClosed` (the hub's
 * subscription), which spares each stream a closure and its context.
 */
export type Teardown = ((reason: CloseReason) => void) | { sessionClosed(reason: CloseReason): void };

/**
 * What a session needs from the app it runs in: a small interface, so the
 * session knows nothing of the runtime that implements it.
 */
export interface SessionHost {
  /** The session started (heartbeats, stats) or ended. */
  opened(session: SseSession): void;
  closed(session: SseSession): void;
  /** The session's unsent bytes changed by `delta`. */
  addBuffered(delta: number): void;
  /** True while the app's sessions together hold more unsent bytes than it allows. */
  overBudget(): boolean;
  countSlowDrop(): void;
  /** Encodes an event, possibly reusing the bytes of an equal one. */
  encode(event: SSEMessageEvent): EncodedEvent;
}

/** The host of a session no app runs: one not yet attached, or one read as a plain web stream. */
const DETACHED: SessionHost = {
  opened() {},
  closed() {},
  addBuffered() {},
  overBudget: () => false,
  countSlowDrop() {},
  encode: (event) => EncodedEvent.of(encodeEvent(event)),
};

/**
 * One client's stream of events. Every byte goes one way: `send` queues an
 * encoded event and counts it, the process's scheduler flushes the queue on
 * the next turn in one write to the output, and the unsent bytes (queued plus
 * held by the output) decide backpressure and when a slow client is dropped.
 * Heartbeats, the hub, `getSSEStream` and the `@Sse` sources all write through
 * `send`. A session may take events before it has an output (a stream written
 * before the handler returns it); they go out first once it is attached.
 * Its teardown runs exactly once when the stream ends for any reason.
 */
export class SseSession implements SlicedTask {
  private open = true;
  private output: SseOutput | undefined;
  private host: SessionHost = DETACHED;
  private limits: SseLimits = SSE_DEFAULTS;
  private queue: EncodedEvent[] | undefined;
  private queuedBytes = 0;
  /** This session's unsent bytes as last reported to its host's app-wide total. */
  private reported = 0;
  /** Set by every send, cleared by every heartbeat tick: a tick that finds it clear sends a heartbeat. */
  private active = false;
  private watchingDrain = false;
  private teardown: Teardown | undefined;
  private reason: CloseReason = 'client';
  private openAfter: Promise<void> | undefined;

  /**
   * Starts writing to `output`, once: what was queued goes out first. A
   * session closed before it had an output writes what it holds and ends.
   */
  attach(output: SseOutput, limits: SseLimits, host: SessionHost = DETACHED): void {
    if (this.output) throw Errors.SSE_ATTACHED('this SSE stream');
    this.output = output;
    this.limits = limits;
    if (!this.open) {
      if (this.queue) output.write(this.takeQueue());
      output.end();
      return;
    }
    this.host = host;
    this.reported = 0;
    host.opened(this);
    if (this.queue) scheduler.schedule(this);
    this.report(this.queuedBytes);
    // Written before it was returned, past what this route lets a client hold.
    if (this.queuedBytes > limits.maxBufferedBytes) this.close('slow');
  }

  /**
   * Asks that the response open only once `ready` settles (a hub transport
   * still starting to read the session's channels). Events sent meanwhile
   * wait in the queue as usual.
   */
  holdOpen(ready: Promise<void>): void {
    this.openAfter = ready;
  }

  /** What the response must wait for before it opens, if anything. */
  get opening(): Promise<void> | undefined {
    return this.openAfter;
  }

  get attached(): boolean {
    return this.output !== undefined;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Milliseconds between heartbeats on an idle stream, or false. */
  get heartbeat(): number | false {
    return this.limits.heartbeat;
  }

  /** Bytes queued or held by the output and not yet sent: what the dashboard ranks slow clients by. */
  get unsentBytes(): number {
    return this.unsent();
  }

  /** Why the session ended ('client' while it is open). */
  get closeReason(): CloseReason {
    return this.reason;
  }

  /** The unsent bytes past which this session is dropped as too slow. */
  get maxBufferedBytes(): number {
    return this.limits.maxBufferedBytes;
  }

  /** Runs once when the session closes: the source stops producing here. */
  onClose(teardown: Teardown): void {
    if (this.open) this.teardown = teardown;
    else this.runTeardown(teardown);
  }

  /** Encodes an event (a wrong field throws `SseFieldError` and nothing is sent) and sends it. */
  write(event: SSEMessageEvent): boolean {
    if (!this.open) return false;
    return this.send(this.host.encode(event));
  }

  /**
   * Sends bytes already encoded as whole events, possibly shared with other
   * sessions. Returns false when the client is gone or the unsent bytes pass
   * the high-water mark; past the hard limit, the client is dropped so memory
   * stays bounded.
   */
  send(event: EncodedEvent): boolean {
    if (!this.open) return false;
    this.active = true;
    this.queuedBytes += event.bytes.length;
    if (this.queue) {
      this.queue.push(event);
    } else {
      this.queue = [event];
      if (this.output) scheduler.schedule(this);
    }
    return this.afterSend();
  }

  /** The scheduler's call: writes the queue in one go, for one unit of the turn (none if it was flushed meanwhile). */
  run(slice: Slice): boolean {
    if (!this.queue) return true;
    slice.left--;
    this.flush();
    return true;
  }

  /**
   * Writes the queue now. For a caller that already holds a unit of the
   * scheduler's turn for this session (a channel's fan-out): one unit, one
   * system call, and the session's own turn later finds nothing to do.
   */
  flush(): void {
    if (!this.queue || !this.output) return;
    this.output.write(this.takeQueue());
    if (!this.open) return;
    const backlog = this.output.backlog;
    this.report(backlog);
    if (backlog >= this.limits.highWaterMark) this.watchDrain();
  }

  private takeQueue(): EncodedEvent[] {
    const queue = this.queue!;
    this.queue = undefined;
    this.queuedBytes = 0;
    return queue;
  }

  /**
   * Past its own limit a client is dropped. So is one whose output is backed up
   * (past the high-water mark) while the app as a whole holds more unsent bytes
   * than `maxTotalBufferedBytes`: the total stays bounded however many clients
   * stall. Bytes merely queued this turn, not yet offered to the output, do not
   * make a client "behind".
   */
  private afterSend(): boolean {
    const backlog = this.backlog();
    const unsent = backlog + this.queuedBytes;
    this.report(unsent);
    if (unsent < this.limits.highWaterMark) return true;
    if (unsent > this.limits.maxBufferedBytes || (backlog >= this.limits.highWaterMark && this.host.overBudget())) {
      this.close('slow');
      return false;
    }
    if (backlog >= this.limits.highWaterMark) this.watchDrain();
    return false;
  }

  private report(unsent: number): void {
    if (unsent === this.reported) return;
    this.host.addBuffered(unsent - this.reported);
    this.reported = unsent;
  }

  private backlog(): number {
    return this.output?.backlog ?? 0;
  }

  private unsent(): number {
    return this.backlog() + this.queuedBytes;
  }

  /**
   * Once a backed-up output drains, its count in the app-wide total is brought
   * up to date, even if nothing more is written to it (an idle stream without
   * heartbeats would otherwise count as behind for ever).
   */
  private watchDrain(): void {
    if (this.watchingDrain || !this.output?.willDrain) return;
    this.watchingDrain = true;
    this.output.onDrain(() => {
      this.watchingDrain = false;
      if (this.open) this.report(this.unsent());
    });
  }

  /**
   * Resolves once the unsent bytes are under the high-water mark, or at once
   * when the session is closed. Queued bytes leave at the next flush, which may
   * never cause a 'drain' (the output took them all): for those it waits a
   * turn and looks again.
   */
  async drained(): Promise<void> {
    while (this.open && this.unsent() >= this.limits.highWaterMark) {
      const output = this.output;
      if (output && output.backlog >= this.limits.highWaterMark && output.willDrain) await new Promise<void>((resolve) => output.onDrain(resolve));
      else if (output && this.queuedBytes > 0) await new Promise((resolve) => setImmediate(resolve));
      // No 'drain' will come (an output under its own high-water mark, a web stream, no output yet): look again shortly.
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The heartbeat timer's tick: an idle stream gets a comment, so proxies keep it open. */
  beat(): void {
    if (!this.active) this.send(HEARTBEAT);
    this.active = false;
  }

  /**
   * Asks the client to come back in `base` to `2 × base` ms (the jitter spreads
   * a crowd of reconnects out), then ends the stream.
   */
  retryLater(base = 1_000, reason: CloseReason = 'busy'): void {
    this.send(EncodedEvent.of(`retry: ${base + Math.floor(Math.random() * (base + 1))}\n\n`));
    this.close(reason);
  }

  /**
   * Ends the stream cleanly (the client will reconnect) or cuts it (slow
   * client). Before the session has an output, an end keeps what was queued:
   * it goes out, then the end, once attached.
   */
  close(reason: CloseReason): void {
    if (!this.open) return;
    this.reason = reason;
    if (reason === 'slow') {
      this.host.countSlowDrop();
      this.queue = undefined;
      this.queuedBytes = 0;
      this.output?.destroy(SLOW_CLIENT);
    } else if (this.output) {
      this.flush();
      this.output.end();
    }
    this.ended();
  }

  /** The connection closed (the client left, or after our own end): the source stops. */
  disconnected(): void {
    if (!this.open) return;
    if (this.output) {
      this.queue = undefined;
      this.queuedBytes = 0;
    }
    this.ended();
  }

  private ended(): void {
    this.open = false;
    this.report(0);
    this.host.closed(this);
    const teardown = this.teardown;
    this.teardown = undefined;
    if (teardown) this.runTeardown(teardown);
  }

  /** Teardown runs user code (an unsubscribe, an iterator's return), often from a socket event: a throw there must not escape. */
  private runTeardown(teardown: Teardown): void {
    try {
      if (typeof teardown === 'function') teardown(this.reason);
      else teardown.sessionClosed(this.reason);
    } catch (error) {
      const { message, stack } = describeThrown(error);
      logger.error(`closing an SSE source failed: ${message}`, stack);
    }
  }
}
