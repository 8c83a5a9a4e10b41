import type { EncodedEvent } from '../encoded-event.js';
import { HEARTBEAT } from '../heartbeat.js';
import type { SseOutput } from '../output/sse-output.js';
import type { RouteCounters } from './route-counters.js';

/**
 * An output that counts what its session writes (events, heartbeats, bytes)
 * into its route's counters, then hands the batch on. A session gets one only
 * when the app is monitored (metrics or the dashboard): the choice is made
 * once, when the stream opens, so an app without them writes to its output
 * directly and pays nothing per event.
 */
export class MeteredOutput implements SseOutput {
  constructor(
    private readonly inner: SseOutput,
    private readonly counters: RouteCounters,
  ) {}

  write(events: readonly EncodedEvent[]): void {
    const counters = this.counters;
    for (const event of events) {
      if (event === HEARTBEAT) counters.heartbeats++;
      else counters.events++;
      // The event's own bytes: what the client reads, without HTTP/1.1 chunk framing.
      counters.bytes += event.bytes.length;
    }
    this.inner.write(events);
  }

  get backlog(): number {
    return this.inner.backlog;
  }

  get willDrain(): boolean {
    return this.inner.willDrain;
  }

  onDrain(callback: () => void): () => void {
    return this.inner.onDrain(callback);
  }

  end(): void {
    this.inner.end();
  }

  destroy(error: Error): void {
    this.inner.destroy(error);
  }
}
