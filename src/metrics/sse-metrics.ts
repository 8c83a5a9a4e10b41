import type { Histogram, Registry } from 'prom-client';
import type { SseHub, HubStats } from '../sse/hub/hub.js';
import type { SseInsights } from '../sse/monitor/sse-insights.js';
import type { SseMonitor } from '../sse/monitor/sse-monitor.js';
import type { RouteCounters } from '../sse/monitor/route-counters.js';
import { channelLabels } from './channel-labels.js';
import type { PromClient } from './prom-client.js';

/** Seconds: from half a millisecond, a fan-out to a few clients, to 2.5 s, a process far behind. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface SseMetricsSettings {
  prefix: string;
  maxChannelLabels: number;
  latencyBuckets: readonly number[];
}

/**
 * The app's SSE and hub metrics in a prom-client registry. Counters the
 * runtime, the monitor and the hub keep anyway are read when Prometheus
 * scrapes (collect callbacks), which costs nothing per event; only the
 * publish-to-write histogram is observed as events go, once per event and
 * channel. Inject it to read the registry (`metrics.registry`) or the text.
 */
export class SseMetrics {
  private readonly stopTiming: () => void;
  private readonly names: string[] = [];

  constructor(
    readonly registry: Registry,
    client: PromClient,
    insights: SseInsights,
    hub: SseHub | undefined,
    settings: SseMetricsSettings,
  ) {
    const monitor = insights.monitor();
    const p = settings.prefix;
    const registers = [registry];
    const names = this.names;
    /** A gauge, or a counter, whose values are read from `read` when Prometheus scrapes. */
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], read: Reader<L>) => {
      names.push(p + name);
      new client.Gauge({ name: p + name, help, labelNames: labelNames as L[], registers, collect: collectWith(read, 'set') });
    };
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[], read: Reader<L>) => {
      names.push(p + name);
      new client.Counter({ name: p + name, help, labelNames: labelNames as L[], registers, collect: collectWith(read, 'inc') });
    };

    gauge('sse_streams_open', 'SSE streams open now, by route.', ['route'], () => perRoute(monitor, (c) => c.open));
    counter('sse_streams_opened_total', 'SSE streams opened since start, by route.', ['route'], () => perRoute(monitor, (c) => c.opened));
    counter(
      'sse_streams_closed_total',
      'SSE streams ended since start, by route and reason (client, end, slow, shutdown, error, busy).',
      ['route', 'reason'],
      () => closedByReason(monitor),
    );
    counter('sse_events_written_total', 'SSE events written to clients (everything but heartbeats), by route.', ['route'], () =>
      perRoute(monitor, (c) => c.events),
    );
    counter('sse_bytes_written_total', 'Bytes of SSE events and heartbeats written to clients (without HTTP chunk framing), by route.', ['route'], () =>
      perRoute(monitor, (c) => c.bytes),
    );
    counter('sse_heartbeats_total', 'Heartbeat comments written to idle SSE streams, by route.', ['route'], () => perRoute(monitor, (c) => c.heartbeats));
    counter('sse_clients_dropped_total', 'SSE clients disconnected by the server, by reason (slow: past their unsent-bytes limit).', ['reason'], () => [
      [{ reason: 'slow' }, insights.stats()?.droppedSlow ?? 0],
    ]);
    gauge('sse_buffered_bytes', 'Bytes all SSE streams together hold unsent.', [], () => [[{}, insights.stats()?.bufferedBytes ?? 0]]);

    if (hub) {
      const stats = scrapeCache(() => hub.stats());
      gauge(
        'hub_subscribers',
        `Local hub subscribers, by channel: the ${settings.maxChannelLabels} busiest, the rest under channel="(other)".`,
        ['channel'],
        () => channelLabels(stats().channels, settings.maxChannelLabels).map(([channel, n]) => [{ channel }, n]),
      );
      gauge('hub_subscriptions', 'Local hub subscriptions (each counted once, however many channels it reads).', [], () => [[{}, stats().subscribers]]);
      counter('hub_published_total', 'Events published through this instance.', [], () => [[{}, stats().published]]);
      counter('hub_delivered_total', 'Event writes to local hub subscribers.', [], () => [[{}, stats().delivered]]);
      counter('hub_replays_total', 'Reconnects served from history.', [], () => [[{}, stats().replays]]);
      counter('hub_resets_total', 'Reconnects that got a reset event instead of a replay, by reason.', ['reason'], () =>
        Object.entries(stats().resetReasons).map(([reason, n]) => [{ reason }, n]),
      );
      counter('hub_replays_refused_total', 'Reconnects told to come back later (retry:) because too many replays were waiting.', [], () => [
        [{}, stats().replaysRefused],
      ]);
      counter(
        'hub_transport_errors_total',
        'Failures of the hub transport: publishes refused or timed out, and failed reads of its delivery loop.',
        ['operation'],
        () => [
          [{ operation: 'publish' }, stats().publishFailures],
          [{ operation: 'read' }, hub.transport.readErrors ?? 0],
        ],
      );
      names.push(`${p}hub_publish_to_write_seconds`);
      const latency: Histogram = new client.Histogram({
        name: `${p}hub_publish_to_write_seconds`,
        help: 'Seconds from an event reaching this hub (at publish with the memory transport, on arrival from Redis or NATS) to its write to the last local subscriber of its channel.',
        buckets: [...settings.latencyBuckets],
        registers,
      });
      this.stopTiming = monitor.onDelivery((seconds) => latency.observe(seconds));
      monitor.watchHub(hub);
    } else {
      this.stopTiming = () => undefined;
    }
  }

  /** The metrics in Prometheus' text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Takes this module's metrics out of the registry (it may be shared) when the app closes. */
  onModuleDestroy(): void {
    this.stopTiming();
    for (const name of this.names) this.registry.removeSingleMetric(name);
  }
}

type Reader<L extends string> = () => Iterable<[Partial<Record<L, string>>, number]>;

/**
 * A collect callback that replaces the metric's values with what `read`
 * gives. A counter is set by reset and `inc` (prom-client's Counter has no
 * `set`): the counts themselves only ever grow where they are kept.
 */
function collectWith<L extends string>(read: Reader<L>, how: 'set' | 'inc') {
  return function (this: { reset(): void; set?(labels: object, value: number): void; inc(labels: object, value: number): void }) {
    this.reset();
    for (const [labels, value] of read()) this[how]!(labels, value);
  };
}

function* perRoute(monitor: SseMonitor, value: (counters: RouteCounters) => number): Iterable<[{ route: string }, number]> {
  for (const counters of monitor.routes()) yield [{ route: counters.route }, value(counters)];
}

function* closedByReason(monitor: SseMonitor): Iterable<[{ route: string; reason: string }, number]> {
  for (const counters of monitor.routes()) {
    for (const [reason, n] of Object.entries(counters.closed)) yield [{ route: counters.route, reason }, n];
  }
}

/** hub.stats() once per scrape, however many metrics read it: it walks every channel. */
function scrapeCache(read: () => HubStats): () => HubStats {
  let cached: HubStats | undefined;
  return () => {
    if (cached === undefined) {
      cached = read();
      setImmediate(() => {
        cached = undefined;
      });
    }
    return cached;
  };
}
