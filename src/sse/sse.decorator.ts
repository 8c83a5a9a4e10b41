import { META, appendMetadata } from '../common/metadata-keys.js';
import type { RouteDefinition } from '../common/route.decorators.js';
import type { SseOptions } from './options.js';

export interface SseRouteMetadata {
  options: SseOptions;
}

/**
 * Makes a route an SSE stream. Use it with `@Get(path)` as in the seed page, or
 * alone as `@Sse(path)`, which routes GET `path` as in NestJS. Options tune the
 * heartbeat and the backpressure limits of this route.
 */
export function Sse(pathOrOptions?: string | SseOptions, options: SseOptions = {}): MethodDecorator {
  const path = typeof pathOrOptions === 'string' ? pathOrOptions : undefined;
  const routeOptions = typeof pathOrOptions === 'object' && pathOrOptions !== null ? pathOrOptions : options;
  return (target, handlerName) => {
    Reflect.defineMetadata(META.sse, { options: routeOptions } satisfies SseRouteMetadata, target, handlerName);
    if (path !== undefined) appendMetadata<RouteDefinition>(META.routes, [{ method: 'GET', path, handlerName }], target.constructor);
  };
}
