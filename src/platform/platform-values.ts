import type { InjectionToken } from '../common/types.js';
import { HttpAdapterHost } from '../http/http-adapter.js';
import { SseInsights } from '../sse/monitor/sse-insights.js';

/**
 * What the platform gives every module beside DI's own providers: the HTTP
 * adapter's host, injectable before any server exists (the application sets
 * its adapter later), and the app's SSE insights (metrics, the dashboard and
 * the doctor meet there). A new one of each per container: each application has its own.
 */
export function platformValues(): Array<readonly [InjectionToken, unknown]> {
  return [
    [HttpAdapterHost, new HttpAdapterHost()],
    [SseInsights, new SseInsights()],
  ];
}
