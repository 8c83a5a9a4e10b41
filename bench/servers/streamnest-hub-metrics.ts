/**
 * streamnest, hub path with metrics on: the app of streamnest-hub.ts plus
 * `SseMetricsModule.forRoot()` (prom-client), so every stream is metered and
 * every event's fan-out is timed. Run beside streamnest-hub to measure what
 * metrics cost: its sustained fan-out should stay within 10% of it.
 */
import { SseMetricsModule } from 'streamnest/metrics';
import { startHubBench } from './hub-app.js';

await startHubBench('streamnest-hub-metrics', [SseMetricsModule.forRoot({ path: '/metrics' })]);
