import type { Response } from '../../common/interfaces.js';
import type { SseOutput } from '../output/sse-output.js';
import type { SseSession } from '../session.js';
import type { SseHub } from '../hub/hub.js';
import { MeteredOutput } from './metered-output.js';
import { newRouteCounters, type RouteCounters } from './route-counters.js';

/** One open stream, as the dashboard lists the slowest. */
export interface ClientView {
  route: string;
  /** The client's address, as the socket sees it (a proxy's, behind one). */
  remoteAddress: string;
  /** Bytes queued or held by the socket and not yet sent. */
  unsentBytes: number;
  openForMs: number;
}

interface OpenClient {
  counters: RouteCounters;
  remoteAddress: string;
  since: number;
}

/**
 * What the app's SSE streams and hubs did, for metrics and the dashboard.
 * It exists only once one of them asked for it (see sse-insights.ts); the
 * runtime then gives each new stream a metered output and reports its open
 * and close, and each hub times its deliveries. Counting is per route, whose
 * number is fixed by the app's code, so every map here is bounded except the
 * open clients, which the connection limits bound.
 */
export class SseMonitor {
  private readonly routeCounters = new Map<string, RouteCounters>();
  private readonly clients = new Map<SseSession, OpenClient>();
  private readonly deliveryListeners: Array<(seconds: number) => void> = [];
  private readonly hubs = new WeakSet<SseHub>();

  /** The output a new stream of `route` writes through: the same one, counted. */
  meter(output: SseOutput, route: string): SseOutput {
    return new MeteredOutput(output, this.countersOf(route));
  }

  /** The stream opened (after `meter`): it counts as open until `closed`. */
  opened(session: SseSession, route: string, response: Response): void {
    const counters = this.countersOf(route);
    counters.open++;
    counters.opened++;
    const remoteAddress = (response as { req?: { socket?: { remoteAddress?: string } } }).req?.socket?.remoteAddress ?? '';
    this.clients.set(session, { counters, remoteAddress, since: Date.now() });
  }

  closed(session: SseSession): void {
    const client = this.clients.get(session);
    if (!client) return;
    this.clients.delete(session);
    client.counters.open--;
    client.counters.closed[session.closeReason]++;
  }

  /** Every route's counters (live objects: read, never change them). */
  routes(): IterableIterator<RouteCounters> {
    return this.routeCounters.values();
  }

  /** Events, heartbeats and bytes written by every route together. */
  totals(): { events: number; heartbeats: number; bytes: number; open: number } {
    const totals = { events: 0, heartbeats: 0, bytes: 0, open: 0 };
    for (const counters of this.routeCounters.values()) {
      totals.events += counters.events;
      totals.heartbeats += counters.heartbeats;
      totals.bytes += counters.bytes;
      totals.open += counters.open;
    }
    return totals;
  }

  /**
   * The `count` open streams with the most unsent bytes (only those with
   * some): the clients that read slowest. One pass over the open streams,
   * keeping the few largest, so it costs no sort of them all.
   */
  slowest(count: number): ClientView[] {
    if (count < 1) return [];
    const top: Array<{ session: SseSession; client: OpenClient; unsent: number }> = [];
    for (const [session, client] of this.clients) {
      const unsent = session.unsentBytes;
      if (unsent === 0 || (top.length === count && unsent <= top[top.length - 1]!.unsent)) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.unsent < unsent) at--;
      top.splice(at, 0, { session, client, unsent });
      if (top.length > count) top.pop();
    }
    const now = Date.now();
    return top.map(({ client, unsent }) => ({
      route: client.counters.route,
      remoteAddress: client.remoteAddress,
      unsentBytes: unsent,
      openForMs: now - client.since,
    }));
  }

  /** Calls `listener` with each event's seconds from its hub to its last local subscriber (see SseHub.timeDeliveries). */
  onDelivery(listener: (seconds: number) => void): () => void {
    this.deliveryListeners.push(listener);
    return () => {
      const at = this.deliveryListeners.indexOf(listener);
      if (at !== -1) this.deliveryListeners.splice(at, 1);
    };
  }

  /** Times the deliveries of `hub`, once, whoever asks. */
  watchHub(hub: SseHub): void {
    if (this.hubs.has(hub)) return;
    this.hubs.add(hub);
    const listeners = this.deliveryListeners;
    hub.timeDeliveries((seconds) => {
      for (const listener of listeners) listener(seconds);
    });
  }

  private countersOf(route: string): RouteCounters {
    let counters = this.routeCounters.get(route);
    if (!counters) this.routeCounters.set(route, (counters = newRouteCounters(route)));
    return counters;
  }
}
