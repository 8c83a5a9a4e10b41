import { HeartbeatScheduler } from './heartbeat.js';
import { resolveSseOptions, SSE_DEFAULTS, type SseLimits, type SseOptions } from './options.js';
import { EventEncoder } from './event-encoder.js';
import { openResponse } from './output/open-response.js';
import type { EncodedEvent } from './encoded-event.js';
import type { SSEMessageEvent } from './message-event.js';
import type { SessionHost, SseSession } from './session.js';
import type { SseMonitor } from './monitor/sse-monitor.js';
import type { Response } from '../common/interfaces.js';
import { Errors } from '../errors.js';

export interface SseStats {
  /** Sessions open now. */
  open: number;
  /** Sessions opened since start. */
  opened: number;
  /** Sessions dropped for passing their unsent-bytes limit. */
  droppedSlow: number;
  /** Unsent bytes held by all sessions together, as last measured (bounded by `maxTotalBufferedBytes`). */
  bufferedBytes: number;
  /** Streams registered with the shared heartbeat timers, and how many timers run. */
  heartbeats: { members: number; timers: number };
}

/**
 * The SSE state of one application: its defaults, every open session, the
 * shared heartbeat timers, the app-wide count of unsent bytes and its event
 * encoder. It is the host of the sessions it attaches to responses.
 * `closeAll` is how shutdown ends every stream.
 */
export class SseRuntime implements SessionHost {
  readonly defaults: SseLimits;
  private readonly sessions = new Set<SseSession>();
  private readonly heartbeats = new HeartbeatScheduler();
  private readonly encoder = new EventEncoder();
  private openedCount = 0;
  private droppedSlow = 0;
  /** Unsent bytes held by every session together, as each last reported them. */
  private buffered = 0;
  /** Set at start-up when metrics or the dashboard watch the app; until then streams are not metered at all. */
  private monitor: SseMonitor | undefined;

  constructor(options: SseOptions = {}) {
    this.defaults = resolveSseOptions(SSE_DEFAULTS, options, "the app's sse options");
  }

  /**
   * Meters every stream opened from now on (metrics, the dashboard). Called
   * at start-up, before the first stream; the choice is made per stream, when
   * it opens, never per event.
   */
  monitorWith(monitor: SseMonitor): void {
    this.monitor = monitor;
  }

  /**
   * Answers a request with a session: the headers go out at once, then
   * whatever it queued. `route` labels the stream in metrics.
   */
  attach(session: SseSession, response: Response, limits: SseLimits, route = '(unrouted)'): void {
    // Before anything is sent, so the request still gets a plain 500.
    if (session.attached) throw Errors.SSE_ATTACHED('this SSE stream');
    const output = openResponse(response, () => session.disconnected());
    const monitor = this.monitor;
    session.attach(monitor === undefined ? output : monitor.meter(output, route), limits, this);
    if (monitor !== undefined && session.isOpen) monitor.opened(session, route, response);
    // The client may have left while an async handler was still working: its 'close' has already fired.
    if (response.destroyed) session.disconnected();
  }

  opened(session: SseSession): void {
    this.sessions.add(session);
    this.openedCount++;
    if (session.heartbeat !== false) this.heartbeats.add(session.heartbeat, session);
  }

  closed(session: SseSession): void {
    this.sessions.delete(session);
    this.monitor?.closed(session);
    if (session.heartbeat !== false) this.heartbeats.remove(session.heartbeat, session);
  }

  countSlowDrop(): void {
    this.droppedSlow++;
  }

  addBuffered(delta: number): void {
    this.buffered += delta;
  }

  overBudget(): boolean {
    return this.buffered > this.defaults.maxTotalBufferedBytes;
  }

  encode(event: SSEMessageEvent): EncodedEvent {
    return this.encoder.encode(event);
  }

  stats(): SseStats {
    return {
      open: this.sessions.size,
      opened: this.openedCount,
      droppedSlow: this.droppedSlow,
      bufferedBytes: this.buffered,
      heartbeats: this.heartbeats.stats(),
    };
  }

  /**
   * Ends every stream for shutdown. Each first gets a `retry:` hint with jitter,
   * so clients come back spread out rather than all at once.
   */
  closeAll(): void {
    for (const session of [...this.sessions]) session.retryLater(this.defaults.shutdownRetry, 'shutdown');
  }
}
