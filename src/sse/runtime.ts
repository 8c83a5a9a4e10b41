import { FlushScheduler, type Flushable } from './flush-scheduler.js';
import { HeartbeatScheduler } from './heartbeat.js';
import { resolveSseOptions, SSE_DEFAULTS, type SseLimits, type SseOptions } from './options.js';
import { SseSession } from './session.js';
import type { Response } from '../common/interfaces.js';

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
 * The SSE state of one application: its defaults, every open session, and the
 * shared heartbeat timers. `closeAll` is how shutdown ends every stream.
 */
export class SseRuntime {
  readonly defaults: SseLimits;
  private readonly sessions = new Set<SseSession>();
  private readonly heartbeats = new HeartbeatScheduler();
  private readonly flushes = new FlushScheduler();
  private opened = 0;
  private droppedSlow = 0;
  /** Unsent bytes held by every session together, as each last reported them. */
  private buffered = 0;

  constructor(options: SseOptions = {}) {
    this.defaults = resolveSseOptions(SSE_DEFAULTS, options, 'the app\'s sse options');
  }

  /** Opens a session on a response: the headers go out at once. */
  open(response: Response, limits: SseLimits): SseSession {
    const session = new SseSession(response, limits, this);
    session.start();
    return session;
  }

  register(session: SseSession, heartbeat: number | false): void {
    this.sessions.add(session);
    this.opened++;
    if (heartbeat !== false) this.heartbeats.add(heartbeat, session);
  }

  unregister(session: SseSession, heartbeat: number | false): void {
    this.sessions.delete(session);
    if (heartbeat !== false) this.heartbeats.remove(heartbeat, session);
  }

  countSlowDrop(): void { this.droppedSlow++; }

  /** A session's unsent bytes changed by `delta`. */
  addBuffered(delta: number): void { this.buffered += delta; }

  /** True while the sessions together hold more unsent bytes than the app allows. */
  overBudget(): boolean { return this.buffered > this.defaults.maxTotalBufferedBytes; }

  /** Queues a session's pending writes for the next turn's flush. */
  scheduleFlush(session: Flushable): void { this.flushes.schedule(session); }

  stats(): SseStats {
    return { open: this.sessions.size, opened: this.opened, droppedSlow: this.droppedSlow, bufferedBytes: this.buffered, heartbeats: this.heartbeats.stats() };
  }

  /**
   * Ends every stream for shutdown. Each first gets a `retry:` hint with jitter,
   * so clients come back spread out rather than all at once.
   */
  closeAll(): void {
    for (const session of [...this.sessions]) session.retryLater(this.defaults.shutdownRetry, 'shutdown');
  }
}
