import { Errors } from '../errors.js';
import type { RouteInfo } from '../common/middleware-interfaces.js';
import { RequestMethod } from '../common/request-method.js';
import { joinPath } from './router.js';
import { compilePattern, patternSubject } from './route-pattern.js';
import { canonicalUrl } from './request-target.js';

/** The second argument of `app.setGlobalPrefix()`, as in NestJS. */
export interface GlobalPrefixOptions<T = string | RouteInfo> {
  /** Routes left outside the prefix: paths (every method) or `{ path, method }`. */
  exclude?: T[];
}

/** A method as Nest's route tables hold it: a RequestMethod, or -1 for a bare path (every method). */
export type RouteMethod = RequestMethod | -1;

interface Exclusion {
  path: string;
  method: RouteMethod;
  pattern: RegExp;
}

/**
 * The global prefix and the routes it leaves out, as `app.setGlobalPrefix()`
 * set them. A route is left out when its path (controller path and method
 * path, without prefix or version) and its method match an exclusion; it then
 * keeps its version (`/v1/health`) but not the prefix.
 */
export class GlobalPrefix {
  /** `''`, or the prefix with a leading slash and no trailing one: `/api`. */
  readonly path: string;
  private readonly exclusions: Exclusion[];

  constructor(prefix: string, options: GlobalPrefixOptions = {}) {
    if (typeof prefix !== 'string') throw Errors.INVALID_GLOBAL_PREFIX(`the prefix must be a string, got ${typeof prefix}`);
    this.path = joinPath(prefix) === '/' ? '' : joinPath(prefix);
    const exclude = options?.exclude ?? [];
    if (!Array.isArray(exclude)) throw Errors.INVALID_GLOBAL_PREFIX('exclude must be an array');
    this.exclusions = exclude.map((entry) => {
      const route = typeof entry === 'string' ? { path: entry, method: RequestMethod.ALL } : entry;
      if (route === null || typeof route !== 'object' || typeof route.path !== 'string' || typeof route.method !== 'number') {
        throw Errors.INVALID_GLOBAL_PREFIX(`each exclude entry is a path or { path, method }, got ${String(entry)}`);
      }
      const path = joinPath(route.path);
      return { path, method: route.method, pattern: compilePattern(path, 'exact', 'app.setGlobalPrefix({ exclude })') };
    });
  }

  /** True when the route at `path` (without prefix or version), for `method`, stays outside the prefix. */
  excludes(path: string, method: RouteMethod): boolean {
    if (this.path === '' || this.exclusions.length === 0) return false;
    const subject = patternSubject(canonicalUrl(joinPath(path)) ?? joinPath(path));
    return this.exclusions.some((e) => (e.method === RequestMethod.ALL || e.method === -1 || e.method === method) && e.pattern.test(subject));
  }

  /** The excluded paths, for middleware bound to every route (`forRoutes('*')`), which reaches them too. */
  excludedPaths(): string[] {
    return this.path === '' ? [] : this.exclusions.map((e) => e.path);
  }
}
