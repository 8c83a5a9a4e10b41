import { META } from '../common/metadata-keys.js';
import type { ControllerMetadata } from '../common/controller.decorator.js';
import type { ParamDefinition } from '../common/param.decorators.js';
import type { Type } from '../common/types.js';

/** What CacheInterceptor needs to know of a route, read once from its metadata. */
export interface CacheRoute {
  /** An @Sse route: its answer is a stream of events, never cached. */
  streams: boolean;
  /** The handler writes the response itself (@Res() without passthrough, or @Next()): there is no value to cache. */
  ownsResponse: boolean;
  /** The controller serves some hosts only (@Controller({ host })): the key must name the host, or one host would read another's answer. */
  hostRouted: boolean;
  /**
   * The route's own versions, when it has some (@Version() or the controller's
   * `version`): with header, media type or custom versioning, one URL has a
   * handler per version, so the key must tell them apart.
   */
  version: string | undefined;
}

const routes = new WeakMap<Function, CacheRoute>();

export function cacheRoute(controller: Type, handler: Function): CacheRoute {
  let route = routes.get(handler);
  if (!route) {
    route = readRoute(controller, handler);
    routes.set(handler, route);
  }
  return route;
}

function readRoute(controller: Type, handler: Function): CacheRoute {
  const name = methodName(controller.prototype, handler);
  const controllerMeta = Reflect.getMetadata(META.controller, controller) as ControllerMetadata | undefined;
  if (name === undefined) return { streams: false, ownsResponse: false, hostRouted: controllerMeta?.host !== undefined, version: undefined };
  const params = (Reflect.getMetadata(META.params, controller.prototype, name) ?? []) as ParamDefinition[];
  const version = Reflect.getMetadata(META.version, controller.prototype, name) ?? controllerMeta?.version;
  return {
    streams: Reflect.getMetadata(META.sse, controller.prototype, name) !== undefined,
    ownsResponse: params.some((p) => (p.kind === 'res' && !p.passthrough) || p.kind === 'next'),
    hostRouted: controllerMeta?.host !== undefined,
    version: version === undefined ? undefined : [version].flat().map(String).join(','),
  };
}

/** The name under which `handler` sits on the prototype chain (decorators may have replaced the function, so its own `name` is not trusted). */
function methodName(prototype: object, handler: Function): string | symbol | undefined {
  for (let proto = prototype; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Reflect.ownKeys(proto)) {
      if (Object.getOwnPropertyDescriptor(proto, key)?.value === handler) return key;
    }
  }
  return undefined;
}
