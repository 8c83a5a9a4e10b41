/// <reference types="node" preserve="true" />
/**
 * streamnest/metrics: Prometheus metrics of the SSE streams and the hub, on
 * the optional peer prom-client. `SseMetricsModule.forRoot({ path: '/metrics' })`.
 */
export { SseMetricsModule, type SseMetricsOptions } from './sse-metrics.module.js';
export { SseMetrics, DEFAULT_LATENCY_BUCKETS } from './sse-metrics.js';
export { channelLabels, OTHER_CHANNELS } from './channel-labels.js';
