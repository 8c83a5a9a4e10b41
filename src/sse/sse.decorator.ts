import { META, appendMetadata } from '../common/metadata-keys.js';
import type { RouteDefinition } from '../common/route.decorators.js';
import type { EventContract } from './contract/define-events.js';
import type { SseOptions } from './options.js';

/** `@Sse()`'s options: the route's limits, and the contract of its events. */
export interface SseRouteOptions extends SseOptions {
  /**
   * The contract of this route's events (`defineEvents()`): it documents the
   * route in the AsyncAPI document and, when checking, refuses events that
   * break it.
   */
  events?: EventContract;
  /**
   * Check every event the route sends against `events`: an Observable,
   * AsyncIterable or ReadableStream source that yields a wrong one ends with
   * `event: error`; a `getSSEStream()` returned here must check its own writes
   * against the same contract. Default: the contract's `validate`, else false.
   */
  validate?: boolean;
  /** A description of the stream, for the AsyncAPI document. */
  description?: string;
}

export interface SseRouteMetadata {
  options: SseRouteOptions;
}

/**
 * Makes a route an SSE stream. Use it with `@Get(path)` as in the seed page, or
 * alone as `@Sse(path)`, which routes GET `path` as in NestJS. Options tune the
 * heartbeat and the backpressure limits of this route, and name the contract
 * of its events.
 */
export function Sse(pathOrOptions?: string | SseRouteOptions, options: SseRouteOptions = {}): MethodDecorator {
  const path = typeof pathOrOptions === 'string' ? pathOrOptions : undefined;
  const routeOptions = typeof pathOrOptions === 'object' && pathOrOptions !== null ? pathOrOptions : options;
  return (target, handlerName) => {
    Reflect.defineMetadata(META.sse, { options: routeOptions } satisfies SseRouteMetadata, target, handlerName);
    if (path !== undefined) appendMetadata<RouteDefinition>(META.routes, [{ method: 'GET', path, handlerName }], target.constructor);
  };
}
