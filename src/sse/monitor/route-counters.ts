import type { CloseReason } from '../session.js';

/** What one SSE route has done since start, counted by its sessions' metered outputs. */
export interface RouteCounters {
  /** The route's path pattern (such as /rooms/:id), or `Controller.method`. */
  readonly route: string;
  /** Streams open now, and opened since start. */
  open: number;
  opened: number;
  /** Events written (everything but heartbeats: `retry:` hints included), heartbeats, and their bytes together. */
  events: number;
  heartbeats: number;
  bytes: number;
  /** Streams ended, by why. */
  closed: Record<CloseReason, number>;
}

const CLOSE_REASONS: readonly CloseReason[] = ['client', 'end', 'slow', 'shutdown', 'error', 'busy'];

export function newRouteCounters(route: string): RouteCounters {
  const closed = Object.fromEntries(CLOSE_REASONS.map((reason) => [reason, 0])) as Record<CloseReason, number>;
  return { route, open: 0, opened: 0, events: 0, heartbeats: 0, bytes: 0, closed };
}
