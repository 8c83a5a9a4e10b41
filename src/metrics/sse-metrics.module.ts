import type { Registry } from 'prom-client';
import { Controller } from '../common/controller.decorator.js';
import { UseGuards, type Enhancer } from '../common/enhancer.decorators.js';
import { Inject } from '../common/injectable.decorator.js';
import type { CanActivate, Response } from '../common/interfaces.js';
import { Module } from '../common/module.decorator.js';
import { Res } from '../common/param.decorators.js';
import { Get } from '../common/route.decorators.js';
import type { DynamicModule, Type } from '../common/types.js';
import { printable } from '../common/describe.js';
import { Errors } from '../errors.js';
import { SseHub } from '../sse/hub/hub.js';
import { SseInsights } from '../sse/monitor/sse-insights.js';
import { loadPromClient } from './prom-client.js';
import { DEFAULT_LATENCY_BUCKETS, SseMetrics } from './sse-metrics.js';

export interface SseMetricsOptions {
  /** Where Prometheus scrapes, in its text format; `false` serves nothing (inject `SseMetrics` and read its registry). Default '/metrics'. */
  path?: string | false;
  /** Put before every metric's name. Default 'streamnest_'. */
  prefix?: string;
  /**
   * The prom-client registry to register in. Default: one of its own. Pass
   * prom-client's `register` to serve them with your other metrics.
   */
  registry?: Registry;
  /** Also collect prom-client's default process metrics (CPU, memory, event-loop lag) into that registry. Default false. */
  defaultMetrics?: boolean;
  /** Channels with a label value of their own in `hub_subscribers`; the rest are summed under channel="(other)". Default 20. */
  maxChannelLabels?: number;
  /** Buckets of `hub_publish_to_write_seconds`, in seconds. */
  latencyBuckets?: number[];
  /** Guards of the metrics route (a scraper's token, an internal network check). */
  guards?: Enhancer<CanActivate>[];
}

/**
 * Prometheus metrics of the app's SSE streams and hub (streamnest/metrics,
 * on the optional peer prom-client): `SseMetricsModule.forRoot({ path: '/metrics' })`.
 * Apps that do not import it never load prom-client, and their streams are
 * not metered at all.
 */
@Module({})
export class SseMetricsModule {
  static forRoot(options: SseMetricsOptions = {}): DynamicModule {
    const settings = checkOptions(options);
    const metricsProvider = {
      provide: SseMetrics,
      useFactory: async (insights: SseInsights, hub: SseHub | undefined) => {
        const client = await loadPromClient();
        const registry = options.registry ?? new client.Registry();
        if (options.defaultMetrics === true) client.collectDefaultMetrics({ register: registry, prefix: settings.prefix });
        return new SseMetrics(registry, client, insights, hub, settings);
      },
      inject: [SseInsights, { token: SseHub, optional: true }],
    };
    return {
      module: SseMetricsModule,
      providers: [metricsProvider],
      exports: [SseMetrics],
      controllers: options.path === false ? [] : [metricsController(options.path ?? '/metrics', options.guards ?? [])],
    };
  }
}

function checkOptions(options: SseMetricsOptions) {
  const where = 'SseMetricsModule.forRoot()';
  const prefix = options.prefix ?? 'streamnest_';
  if (typeof prefix !== 'string' || !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix)) {
    throw Errors.INVALID_ARGUMENT(where, 'prefix must be empty or start a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)', printable(prefix));
  }
  const maxChannelLabels = options.maxChannelLabels ?? 20;
  if (!Number.isSafeInteger(maxChannelLabels) || maxChannelLabels < 0) {
    throw Errors.INVALID_ARGUMENT(where, 'maxChannelLabels must be a non-negative integer', printable(maxChannelLabels));
  }
  const latencyBuckets = options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS;
  if (!Array.isArray(latencyBuckets) || latencyBuckets.length === 0 || latencyBuckets.some((b, i) => !(b > 0) || (i > 0 && b <= latencyBuckets[i - 1]!))) {
    throw Errors.INVALID_ARGUMENT(where, 'latencyBuckets must be increasing positive numbers of seconds', printable(latencyBuckets));
  }
  if (options.path !== undefined && options.path !== false && (typeof options.path !== 'string' || !options.path.startsWith('/'))) {
    throw Errors.INVALID_ARGUMENT(where, "path must start with '/', or be false", printable(options.path));
  }
  return { prefix, maxChannelLabels, latencyBuckets };
}

function metricsController(path: string, guards: Enhancer<CanActivate>[]): Type {
  @Controller()
  class SseMetricsController {
    constructor(@Inject(SseMetrics) private readonly metrics: SseMetrics) {}

    @Get(path)
    async scrape(@Res({ passthrough: true }) res: Response) {
      const text = await this.metrics.metrics();
      res.setHeader('Content-Type', this.metrics.contentType);
      return text;
    }
  }
  if (guards.length > 0) UseGuards(...guards)(SseMetricsController);
  return SseMetricsController;
}
