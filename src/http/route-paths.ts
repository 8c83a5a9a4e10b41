import { META } from '../common/metadata-keys.js';
import type { ControllerMetadata } from '../common/controller.decorator.js';
import type { RouteDefinition } from '../common/route.decorators.js';
import { RequestMethod } from '../common/request-method.js';
import type { Type } from '../common/types.js';
import { VERSION_NEUTRAL, type VersionValue } from '../common/version.decorator.js';
import type { GlobalPrefix, RouteMethod } from './global-prefix.js';
import { joinPath } from './router.js';
import { routePathAsPattern } from './route-pattern.js';
import { versionKeys, type Versioning, type VersionKey } from './versioning.js';
import { expandAlias, type AliasPath } from '../common/route-alias.js';

/** One path a route is registered at, with the version the router tells it apart by (header, media type, custom versioning). */
export interface RouteTarget {
  path: string;
  version?: VersionKey;
  /** Registered for an alias (@Controller or route option `alias`), not the route's own path. */
  alias?: boolean;
}

/** A route as middleware sees it: a path in Nest's syntax, a method (-1: every one, as a bare path), a version. */
export interface MiddlewareRoute {
  path: string;
  method: RouteMethod;
  version?: VersionValue;
  /** A full path already (an alias: its prefix and version decided), taken as it is. */
  complete?: boolean;
}

/**
 * Where routes live, once the global prefix and versioning are known: the
 * paths each controller route is registered at, and, as NestJS computes them,
 * the full paths a middleware route means. One place, so the router and the
 * middleware agree.
 */
export class RoutePaths {
  /** `modules`: the path RouterModule gives each controller's module (see router-module.ts). */
  constructor(
    readonly prefix: GlobalPrefix,
    readonly versioning: Versioning | undefined,
    private readonly modules = new Map<Type, string>(),
  ) {}

  /** A controller's own paths (one, or several with `@Controller(['a', 'b'])`), under its module's path when RouterModule gives it one. */
  controllerPaths(controller: Type): string[] {
    const own = (Reflect.getOwnMetadata(META.controller, controller) as ControllerMetadata | undefined)?.prefixes ?? [''];
    const modulePath = this.modules.get(controller);
    return modulePath === undefined ? own : own.map((prefix) => joinPath(modulePath, prefix));
  }

  /**
   * The paths of one controller route: global prefix (unless excluded), URI
   * version, controller path, route path; then its aliases (see common/route-alias.ts).
   */
  forRoute(controller: Type, route: RouteDefinition): RouteTarget[] {
    const own = this.servesOwnPaths(controller, route)
      ? this.controllerPaths(controller).flatMap((prefix) => {
          const path = joinPath(prefix, route.path);
          return this.placed(path, this.prefix.excludes(path, RequestMethod[route.method]) ? '' : this.prefix.path, controller, route);
        })
      : [];
    const aliases = this.aliasesOf(controller, route).flatMap(({ path, prefixed }) =>
      this.placed(path, prefixed ? this.prefix.path : '', controller, route).map((target) => ({ ...target, alias: true })),
    );
    return [...own, ...aliases];
  }

  /** One path (without prefix or version) under `base`, with the route's version: in the path (URI), or as the router's constraint. */
  private placed(path: string, base: string, controller: Type, route: RouteDefinition): RouteTarget[] {
    const version = this.versioning?.versionOf(controller, route.handlerName);
    if (version === undefined || this.versioning === undefined) return [{ path: joinPath(base, path) }];
    if (this.versioning.isUri) {
      const list = Array.isArray(version) ? version : [version];
      return list.map((v) => ({ path: typeof v === 'string' ? joinPath(base, this.versioning!.uriPrefix + v, path) : joinPath(base, path) }));
    }
    const keys = versionKeys(version);
    return keys.length === 0 ? [{ path: joinPath(base, path) }] : keys.map((key) => ({ path: joinPath(base, path), version: key }));
  }

  /** False when `isAliasOnly` (on the route or its controller) leaves only the aliases. */
  private servesOwnPaths(controller: Type, route: RouteDefinition): boolean {
    return route.aliasOnly !== true && this.controllerMeta(controller)?.aliasOnly !== true;
  }

  /**
   * A route's aliases, templates filled in, each once: its own (or, with
   * `isAliasOnly` and none, its path as a full path); unless the route is
   * alias-only, also its controller's aliases (or the controller's path, as a
   * full path, when the controller is alias-only without any) with the route's path.
   */
  private aliasesOf(controller: Type, route: RouteDefinition): AliasPath[] {
    const paths = this.controllerPaths(controller);
    const own = route.alias ?? (route.aliasOnly ? [route.path] : []);
    const found = own.flatMap((alias) => expandAlias(alias, paths, route.path));
    if (route.aliasOnly !== true) {
      const meta = this.controllerMeta(controller);
      const ofController = meta?.alias ?? (meta?.aliasOnly ? paths : []);
      found.push(...ofController.flatMap((alias) => expandAlias(alias, paths).map((a) => ({ ...a, path: joinPath(a.path, route.path) }))));
    }
    const seen = new Set<string>();
    return found.filter(({ path, prefixed }) => {
      const key = `${prefixed} ${joinPath(path)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private controllerMeta(controller: Type): ControllerMetadata | undefined {
    return Reflect.getOwnMetadata(META.controller, controller) as ControllerMetadata | undefined;
  }

  /** Every route of a controller as a middleware route, with its version (`forRoutes(CatsController)`), aliases included. */
  controllerRoutes(controller: Type): MiddlewareRoute[] {
    const routes: RouteDefinition[] = Reflect.getMetadata(META.routes, controller) ?? [];
    return routes.flatMap((route) => {
      const method = RequestMethod[route.method];
      // An alias's full paths, as the router has them: prefix and version already in place.
      const aliases = this.forRoute(controller, route)
        .filter((target) => target.alias)
        .map((target) => ({ path: routePathAsPattern(target.path), method, complete: true }));
      if (!this.servesOwnPaths(controller, route)) return aliases;
      const own = this.controllerPaths(controller).flatMap((prefix) => {
        const info = { path: routePathAsPattern(joinPath(prefix, route.path)), method };
        const version = this.versioning?.versionOf(controller, route.handlerName);
        if (version === undefined) return [info];
        // As NestJS: one route per version, VERSION_NEUTRAL meaning no version in the path.
        const list = Array.isArray(version) ? version : [version];
        return list.map((v) => (v === VERSION_NEUTRAL ? info : { ...info, version: v }));
      });
      return [...own, ...aliases];
    });
  }

  /**
   * The full paths a middleware route covers, as NestJS extracts them: a
   * wildcard (`*`) covers everything under the prefix (and the routes
   * excluded from it); any other path gets the prefix unless excluded, and
   * with URI versioning, the version(s) it names.
   */
  forMiddleware(route: MiddlewareRoute): string[] {
    if (route.complete) return [route.path];
    const versions = this.versionPaths(route.version);
    const prefix = this.prefix.path;
    if (isWildcard(route.path)) {
      const excluded = this.prefix.excludedPaths();
      // The prefix itself too, as Nest's `/api$`: a wildcard such as `{*rest}` may not reach it.
      if (versions.length === 0) return prefix === '' ? [joinPath(route.path)] : [prefix, joinPath(prefix, route.path), ...excluded];
      return versions.flatMap((v) => [joinPath(prefix, v), joinPath(prefix, v, route.path), ...excluded.map((e) => joinPath(v, e))]);
    }
    return this.prefixed(route, versions);
  }

  /** The full paths an excluded route means: as above, but a bare wildcard stays as it is. */
  forExclusion(route: MiddlewareRoute): string[] {
    if (isWildcard(route.path) && route.version === undefined) return [joinPath(route.path)];
    return this.prefixed(route, this.versionPaths(route.version));
  }

  private prefixed(route: MiddlewareRoute, versions: string[]): string[] {
    const base = this.prefix.excludes(route.path, route.method) ? '' : this.prefix.path;
    if (versions.length === 0) return [joinPath(base, route.path)];
    return versions.map((v) => joinPath(base, v, route.path));
  }

  private versionPaths(version: VersionValue | undefined): string[] {
    if (version === undefined || !this.versioning?.isUri) return [];
    const list = Array.isArray(version) ? version : [version];
    return list.map((v) => (typeof v === 'string' ? this.versioning!.uriPrefix + v : ''));
  }
}

/** Nest's test for a path meaning every route: `*`, `(.*)`, or one starting with a wildcard or an optional part. */
function isWildcard(path: string): boolean {
  const p = path.charCodeAt(0) === 47 ? path : `/${path}`;
  return p === '/(.*)' || p === '/*/' || p.startsWith('/*') || p.startsWith('/{');
}
