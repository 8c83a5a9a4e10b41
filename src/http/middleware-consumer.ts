import { Errors } from '../errors.js';
import { META } from '../common/metadata-keys.js';
import type { MiddlewareConfigProxy, MiddlewareConsumer, RouteInfo } from '../common/middleware-interfaces.js';
import type { Type } from '../common/types.js';

/** Where `forRoutes()` binds middleware: a path, `{ path, method }`, or a controller class. */
export type MiddlewareTarget = string | Type | RouteInfo;

/** One `apply(…).exclude(…).forRoutes(…)`, as written; module-middleware.ts resolves it. */
export interface MiddlewareConfig {
  middleware: Array<Type | Function>;
  routes: MiddlewareTarget[];
  excluded: Array<string | RouteInfo>;
}

/**
 * The consumer a module's `configure()` receives. It only records what it is
 * told, checking each argument as it comes so a mistake is reported from the
 * module that made it; paths are resolved once the global prefix and
 * versioning are known.
 */
export class MiddlewareBuilder implements MiddlewareConsumer {
  readonly configs: MiddlewareConfig[] = [];

  constructor(readonly module: string) {}

  apply(...middleware: Array<Type | Function | Array<Type | Function>>): MiddlewareConfigProxy {
    const list = (middleware as unknown[]).flat(Infinity);
    for (const item of list) {
      if (typeof item !== 'function') {
        throw Errors.INVALID_MODULE_MIDDLEWARE(this.module, `apply() takes middleware classes or functions (req, res, next), got ${describe(item)}`);
      }
    }
    return new ConfigProxy(this, list as Array<Type | Function>);
  }
}

class ConfigProxy implements MiddlewareConfigProxy {
  private excluded: Array<string | RouteInfo> = [];

  constructor(
    private readonly builder: MiddlewareBuilder,
    private readonly middleware: Array<Type | Function>,
  ) {}

  exclude(...routes: Array<string | RouteInfo>): MiddlewareConfigProxy {
    const list = (routes as unknown[]).flat();
    for (const route of list) {
      if (typeof route !== 'string' && !isRouteInfo(route)) {
        throw Errors.INVALID_MODULE_MIDDLEWARE(this.builder.module, `exclude() takes paths or { path, method: RequestMethod.GET }, got ${describe(route)}`);
      }
    }
    this.excluded = list as Array<string | RouteInfo>;
    return this;
  }

  forRoutes(...routes: Array<string | Type | RouteInfo>): MiddlewareConsumer {
    const list = (routes as unknown[]).flat();
    for (const route of list) {
      if (typeof route === 'function') {
        if (!Reflect.hasOwnMetadata(META.controller, route)) {
          throw Errors.INVALID_MODULE_MIDDLEWARE(
            this.builder.module,
            `forRoutes(${route.name || 'anonymous class'}): a class given to forRoutes() must be a @Controller()`,
          );
        }
      } else if (typeof route !== 'string' && !isRouteInfo(route)) {
        throw Errors.INVALID_MODULE_MIDDLEWARE(
          this.builder.module,
          `forRoutes() takes paths, { path, method: RequestMethod.GET } or controller classes, got ${describe(route)}`,
        );
      }
    }
    this.builder.configs.push({ middleware: this.middleware, routes: list as MiddlewareTarget[], excluded: this.excluded });
    return this.builder;
  }
}

function isRouteInfo(value: unknown): value is RouteInfo {
  if (value === null || typeof value !== 'object') return false;
  const { path, method } = value as Partial<RouteInfo>;
  return typeof path === 'string' && typeof method === 'number';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : `an object (${Object.keys(value).join(', ') || 'empty'})`;
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}
