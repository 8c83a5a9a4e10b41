import FindMyWay from 'find-my-way';
import { Errors } from '../errors.js';
import { MethodNotAllowedException, NotFoundException } from '../common/exceptions.js';
import type { Request, Response } from '../common/interfaces.js';
import type { HttpMethod } from '../common/types.js';
import type { RouteHandler } from './route-pipeline.js';
import { handleException, sendError, type BoundFilter } from './exception-handler.js';
import { HttpExecutionContext } from './execution-context.js';
import type { VersionConstraint, VersionKey } from './versioning.js';

export const ROUTABLE_METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Joins path segments into one route path: `/api` + `users/` + `:id` → `/api/users/:id`. */
export function joinPath(...parts: string[]): string {
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

/**
 * The radix router (find-my-way), plus what it leaves to us: names for
 * collisions, and 404 or 405 as JSON.
 */
export class Router {
  private readonly tree = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 500 });
  private readonly owners = new Map<string, string>();
  /** Every method some route answers, in the order first registered: what a 405's Allow can list. */
  private readonly methods = new Set<HttpMethod>();
  /**
   * Routes with no parameter, wildcard or constraint, by method then path as
   * registered: a request for one of those exact paths with no query string
   * (most requests) is found with two lookups rather than the tree's scan,
   * which also makes no objects. The tree finds the same route for them (a
   * static path wins there too); any other request goes to the tree.
   */
  private readonly exact = new Map<string, Map<string, RouteHandler>>();
  /** The app's global filters, which see 404s and 405s too, as in NestJS. */
  private fallbackFilters: readonly BoundFilter[] = [];

  /** `methodNotAllowed: false` answers a wrong method on a known path with NestJS's 404 instead of a 405 with `Allow`. */
  constructor(private readonly options: { methodNotAllowed: boolean } = { methodNotAllowed: true }) {}

  setFallbackFilters(filters: readonly BoundFilter[]): void {
    this.fallbackFilters = filters;
  }

  /**
   * Adds a route; `owner` names the handler (`Class.method`) for the collision
   * error; `version` (see versioning.ts) and `host` (@Controller({ host }))
   * tell apart handlers of one path.
   */
  add(method: HttpMethod, path: string, handler: RouteHandler, owner: string, version?: VersionKey, host?: string | RegExp): void {
    const key = routeKey(method, path, version, host);
    const first = this.owners.get(key);
    if (first) throw Errors.ROUTE_CONFLICT(method, path, first, owner);
    try {
      // find-my-way routes every method Node parses; its types leave out QUERY.
      const verb = method as FindMyWay.HTTPMethod;
      const constraints = { ...(version === undefined ? {} : { version }), ...(host === undefined ? {} : { host }) };
      if (version === undefined && host === undefined) this.tree.on(verb, path, handler as any);
      else this.tree.on(verb, path, { constraints }, handler as any);
      if (version === undefined && host === undefined && isExactPath(path)) this.exactRoutes(method).set(path, handler);
    } catch (error) {
      // find-my-way also refuses routes that differ only in parameter names.
      throw Errors.ROUTE_CONFLICT(method, path, this.similar(method, path) ?? 'another route', `${owner} (${(error as Error).message})`);
    }
    this.owners.set(key, owner);
    this.methods.add(method);
  }

  private exactRoutes(method: string): Map<string, RouteHandler> {
    let routes = this.exact.get(method);
    if (routes === undefined) this.exact.set(method, (routes = new Map()));
    return routes;
  }

  has(method: HttpMethod, path: string, version?: VersionKey, host?: string | RegExp): boolean {
    return this.owners.has(routeKey(method, path, version, host));
  }

  /**
   * Versioning by header, media type or extractor: routes may now carry a
   * version, and each lookup derives the request's. The plain dispatch below
   * is replaced, so an app without such versioning does no work for it.
   */
  useVersionConstraint(constraint: VersionConstraint): void {
    this.tree.addConstraintStrategy(constraint.strategy as any);
    this.deriveConstraints(constraint.derive);
  }

  /** Routes tied to a host (@Controller({ host })): each lookup derives the request's host name. */
  useHostConstraint(): void {
    if (this.hostsOn) return;
    this.hostsOn = true;
    this.deriveConstraints((req) => ({ host: hostnameOf(req).toLowerCase() }));
  }

  private hostsOn = false;

  /** From now on each lookup derives constraints from the request, `derive`'s along with any before. */
  private deriveConstraints(derive: (req: Request) => object): void {
    const before = this.constraintsOf;
    this.constraintsOf = before === undefined ? derive : (req) => ({ ...before(req), ...derive(req) });
    const constraintsOf = this.constraintsOf;
    this.dispatch = (req, res) => {
      let constraints: object;
      try {
        constraints = constraintsOf(req);
      } catch (error) {
        this.fail(req, res, error); // a custom extractor that throws
        return;
      }
      const found = this.tree.find(req.method as FindMyWay.HTTPMethod, req.url ?? '/', constraints as any);
      if (found) {
        (found.handler as unknown as RouteHandler)(req, res, found.params, found.searchParams as Record<string, string | string[]>);
        return;
      }
      this.notFound(req, res);
    };
  }

  /** The find-my-way constraints of a request, once versioning by header, media type or extractor is on. */
  private constraintsOf: ((req: Request) => object) | undefined;

  /** Finds and runs the route for a request, or answers 404/405. */
  dispatch(req: Request, res: Response): void {
    const exact = this.exact.get(req.method as string)?.get(req.url ?? '/');
    if (exact !== undefined) {
      // No parameters and no query string: `req.params` and `req.query` are made only if something reads them (see RequestMethods).
      exact(req, res, undefined, undefined);
      return;
    }
    const found = this.tree.find(req.method as FindMyWay.HTTPMethod, req.url ?? '/');
    if (found) {
      (found.handler as unknown as RouteHandler)(req, res, found.params, found.searchParams as Record<string, string | string[]>);
      return;
    }
    this.notFound(req, res);
  }

  private notFound(req: Request, res: Response): void {
    const url = req.url ?? '/';
    const constraints = this.constraintsOf === undefined ? undefined : safely(() => this.constraintsOf!(req));
    const allowed = this.options.methodNotAllowed
      ? [...this.methods].filter((m) => m !== req.method && this.tree.find(m as FindMyWay.HTTPMethod, url, constraints as any) !== null)
      : [];
    const path = url.split('?')[0];
    if (allowed.length > 0) res.setHeader('Allow', allowed.join(', '));
    const error =
      allowed.length > 0
        ? new MethodNotAllowedException(`Cannot ${req.method} ${path}: allowed methods are ${allowed.join(', ')}`)
        : new NotFoundException(`Cannot ${req.method} ${path}`);
    this.fail(req, res, error);
  }

  /** Answers an error outside any route: through the global filters when there are some. */
  fail(req: Request, res: Response, error: unknown): void {
    if (this.fallbackFilters.length === 0) sendError(res, error);
    else void handleException(error, HttpExecutionContext.unrouted(req, res), this.fallbackFilters);
  }

  private similar(method: HttpMethod, path: string): string | undefined {
    const shape = path.replace(/:[^/]+/g, ':');
    for (const [key, owner] of this.owners) {
      const [m, p] = key.split(' ');
      if (m === method && p!.replace(/:[^/]+/g, ':') === shape) return owner;
    }
    return undefined;
  }
}

/** A path the tree matches only as it is spelled: no parameter, wildcard, regular expression or escape. */
function isExactPath(path: string): boolean {
  return path.startsWith('/') && !/[:*()%?#]/.test(path);
}

function routeKey(method: HttpMethod, path: string, version: VersionKey | undefined, host: string | RegExp | undefined): string {
  return `${method} ${path}${version === undefined ? '' : ` (version ${String(version)})`}${host === undefined ? '' : ` (host ${String(host)})`}`;
}

/** The host a request is for, without the port: `Host`, or `:authority` over HTTP/2, as Express's req.hostname. */
export function hostnameOf(req: Request): string {
  const headers = req.headers as Record<string, string | string[] | undefined>;
  const raw = headers.host ?? headers[':authority'];
  const host = (Array.isArray(raw) ? raw[0] : raw) ?? '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
