import { META } from '../common/metadata-keys.js';
import { Errors } from '../errors.js';
import type { Sender } from '../http/route-pipeline.js';
import type { RouteHandlerRef, StreamRoutes } from '../http/stream-routes.js';
import { resolveSseOptions } from './options.js';
import type { SseRuntime } from './runtime.js';
import { createSseSender } from './sse-sender.js';
import type { SseRouteMetadata } from './sse.decorator.js';

/** The `@Sse` routes of one app: read once per route at start-up, each with its limits resolved. */
export class SseRoutes implements StreamRoutes {
  constructor(
    private readonly runtime: SseRuntime,
    private readonly options: { numberIds: boolean },
  ) {}

  senderFor({ proto, key, owner, method }: RouteHandlerRef): Sender | undefined {
    const sse = Reflect.getMetadata(META.sse, proto, key) as SseRouteMetadata | undefined;
    if (!sse) return undefined;
    if (method !== 'GET') throw Errors.SSE_NOT_GET(owner, method);
    const limits = resolveSseOptions(this.runtime.defaults, sse.options, `@Sse() on ${owner}`, 'route');
    return createSseSender(this.runtime, limits, owner, this.options);
  }
}
