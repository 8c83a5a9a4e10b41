import type { SseHub } from '../sse/hub/hub.js';
import type { SseInsights } from '../sse/monitor/sse-insights.js';
import type { ClientView, SseMonitor } from '../sse/monitor/sse-monitor.js';
import type { SseWarning } from '../warnings.js';

/** One point of the dashboard's charts. */
export interface DashboardSample {
  /** When it was taken (ms since the epoch). */
  at: number;
  /** Streams open. */
  open: number;
  /** Events and bytes written per second over the interval before it. */
  eventsPerSecond: number;
  bytesPerSecond: number;
  /** Clients dropped as too slow during that interval. */
  drops: number;
}

/** What the dashboard's stream sends every interval. */
export interface DashboardSnapshot {
  intervalMs: number;
  /** Samples the charts span. */
  historySize: number;
  latest: DashboardSample;
  /** Only in the first snapshot a client gets: the samples of the last minutes, oldest first. */
  history?: DashboardSample[];
  totals: { open: number; opened: number; events: number; bytes: number; heartbeats: number; droppedSlow: number; bufferedBytes: number };
  routes: Array<{ route: string; open: number; events: number; bytes: number }>;
  hub?: { subscribers: number; published: number; delivered: number; replays: number; resets: number; replaysRefused: number; publishFailures: number };
  /** The busiest channels, by local subscribers. */
  channels: Array<{ name: string; subscribers: number }>;
  /** The open streams with the most unsent bytes. */
  slowest: ClientView[];
  warnings: readonly SseWarning[];
}

export interface SamplerSettings {
  intervalMs: number;
  /** Samples kept: the charts' width. */
  historySize: number;
  /** Rows of the channel and slow-client tables. */
  rows: number;
}

/**
 * Samples the app's streams every interval into a bounded ring (the charts of
 * the last minutes, kept from start so a dashboard opened late still has
 * them), and builds a full snapshot for the dashboards that watch. The ring is
 * cheap (a few counters); the tables (channels, slowest clients) walk every
 * channel and stream, so they are built only while someone watches.
 */
export class DashboardSampler {
  private readonly monitor: SseMonitor;
  private readonly ring: DashboardSample[] = [];
  private readonly watchers = new Set<(snapshot: DashboardSnapshot) => void>();
  private readonly timer: NodeJS.Timeout;
  private last: { at: number; events: number; bytes: number; drops: number };

  constructor(
    private readonly insights: SseInsights,
    private readonly hub: SseHub | undefined,
    readonly settings: SamplerSettings,
  ) {
    this.monitor = insights.monitor();
    this.last = { at: Date.now(), ...this.counts() };
    this.timer = setInterval(() => this.tick(), settings.intervalMs);
    this.timer.unref();
  }

  /** Calls `watcher` with a snapshot now (with the history) and after every sample; returns how to stop. */
  watch(watcher: (snapshot: DashboardSnapshot) => void): () => void {
    watcher(this.snapshot(this.ring[this.ring.length - 1] ?? this.sample(), true));
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.watchers.clear();
  }

  private tick(): void {
    const sample = this.sample();
    this.ring.push(sample);
    if (this.ring.length > this.settings.historySize) this.ring.shift();
    if (this.watchers.size === 0) return;
    const snapshot = this.snapshot(sample, false);
    for (const watcher of this.watchers) watcher(snapshot);
  }

  private counts(): { events: number; bytes: number; drops: number } {
    const { events, bytes } = this.monitor.totals();
    return { events, bytes, drops: this.insights.stats()?.droppedSlow ?? 0 };
  }

  private sample(): DashboardSample {
    const at = Date.now();
    const now = this.counts();
    const seconds = Math.max(at - this.last.at, 1) / 1_000;
    const sample = {
      at,
      open: this.insights.stats()?.open ?? this.monitor.totals().open,
      eventsPerSecond: Math.round((now.events - this.last.events) / seconds),
      bytesPerSecond: Math.round((now.bytes - this.last.bytes) / seconds),
      drops: now.drops - this.last.drops,
    };
    this.last = { at, ...now };
    return sample;
  }

  private snapshot(latest: DashboardSample, withHistory: boolean): DashboardSnapshot {
    const { rows } = this.settings;
    const runtime = this.insights.stats();
    const totals = this.monitor.totals();
    let opened = 0;
    const routes: DashboardSnapshot['routes'] = [];
    for (const counters of this.monitor.routes()) {
      opened += counters.opened;
      routes.push({ route: counters.route, open: counters.open, events: counters.events, bytes: counters.bytes });
    }
    const hubStats = this.hub?.stats();
    const channels = hubStats ? busiest(hubStats.channels, rows) : [];
    return {
      intervalMs: this.settings.intervalMs,
      historySize: this.settings.historySize,
      latest,
      ...(withHistory ? { history: [...this.ring] } : {}),
      totals: {
        open: runtime?.open ?? totals.open,
        opened,
        events: totals.events,
        bytes: totals.bytes,
        heartbeats: totals.heartbeats,
        droppedSlow: runtime?.droppedSlow ?? 0,
        bufferedBytes: runtime?.bufferedBytes ?? 0,
      },
      routes,
      ...(hubStats
        ? {
            hub: {
              subscribers: hubStats.subscribers,
              published: hubStats.published,
              delivered: hubStats.delivered,
              replays: hubStats.replays,
              resets: hubStats.resets,
              replaysRefused: hubStats.replaysRefused,
              publishFailures: hubStats.publishFailures,
            },
          }
        : {}),
      channels,
      slowest: this.monitor.slowest(rows),
      warnings: this.insights.warnings,
    };
  }
}

/** The `count` channels with the most subscribers, in one pass (no sort of them all: there may be very many). */
function busiest(channels: Record<string, number>, count: number): Array<{ name: string; subscribers: number }> {
  const top: Array<{ name: string; subscribers: number }> = [];
  for (const name in channels) {
    const subscribers = channels[name]!;
    if (top.length === count && subscribers <= top[top.length - 1]!.subscribers) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.subscribers < subscribers) at--;
    top.splice(at, 0, { name, subscribers });
    if (top.length > count) top.pop();
  }
  return top;
}
