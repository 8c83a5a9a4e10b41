import { META } from '../common/metadata-keys.js';
import { Errors } from '../errors.js';
import type { Sender } from '../http/route-pipeline.js';
import type { RouteHandlerRef, StreamRoutes } from '../http/stream-routes.js';
import { resolveSseOptions, type SseLimits } from './options.js';
import type { SseRuntime } from './runtime.js';
import { createSseSender } from './sse-sender.js';
import type { SseRouteMetadata } from './sse.decorator.js';

/** One `@Sse` route as the doctor sees it. */
export interface SseRouteInfo {
  /** `Controller.method`. */
  owner: string;
  paths: readonly string[];
  limits: SseLimits;
}

/** The `@Sse` routes of one app: read once per route at start-up, each with its limits resolved. */
export class SseRoutes implements StreamRoutes {
  /** Every route built, for the start-up checks (platform/sse-doctor.ts). */
  readonly routes: SseRouteInfo[] = [];

  constructor(
    private readonly runtime: SseRuntime,
    private readonly options: { numberIds: boolean },
  ) {}

  senderFor({ proto, key, owner, method, paths }: RouteHandlerRef): Sender | undefined {
    const sse = Reflect.getMetadata(META.sse, proto, key) as SseRouteMetadata | undefined;
    if (!sse) return undefined;
    if (method !== 'GET') throw Errors.SSE_NOT_GET(owner, method);
    const limits = resolveSseOptions(this.runtime.defaults, sse.options, `@Sse() on ${owner}`, 'route');
    this.routes.push({ owner, paths, limits });
    // The route's label in metrics: its first path, a pattern such as /rooms/:id, so the label's values are bounded.
    return createSseSender(this.runtime, limits, owner, { ...this.options, route: paths[0] ?? owner });
  }
}
