import { Errors } from '../errors.js';
import { META } from '../common/metadata-keys.js';
import type { Middleware } from '../common/interfaces.js';
import type { NestMiddleware, NestModule, RouteInfo } from '../common/middleware-interfaces.js';
import { RequestMethod } from '../common/request-method.js';
import type { Type } from '../common/types.js';
import type { Container } from '../di/container.js';
import type { ModuleNode } from '../di/module-graph.js';
import { contextOfRequest } from '../di/request-context.js';
import type { MiddlewareChain } from './middleware-chain.js';
import { MiddlewareBuilder, type MiddlewareConfig, type MiddlewareTarget } from './middleware-consumer.js';
import type { MiddlewareRoute, RoutePaths } from './route-paths.js';
import { compilePattern, patternSubject } from './route-pattern.js';

/**
 * Middleware bound in modules' `configure(consumer)`, as NestJS binds it.
 *
 * At start-up, before the routes are built, `configure()` runs on every
 * module class that has it, deepest modules first. The middleware then run
 * after those of `app.use()` and before guards, in NestJS's order: global
 * modules' first, then from the root module down, each module's in the order
 * it configured them. One `apply()` runs when the request's canonical path
 * (and method) matches one of its routes and none of its exclusions, at most
 * once per request however many of its routes match. It sees `req.url`
 * whole (Express would strip a bare path's prefix from it; `req.originalUrl`
 * is the same in both).
 */
export async function applyModuleMiddleware(container: Container, chain: MiddlewareChain, paths: RoutePaths): Promise<void> {
  const configured: Array<{ module: ModuleNode; configs: MiddlewareConfig[] }> = [];
  for (const module of container.byDepth()) {
    const instance = container.moduleInstance(module) as Partial<NestModule> | undefined;
    if (typeof instance?.configure !== 'function') continue;
    const builder = new MiddlewareBuilder(module.name);
    await instance.configure(builder);
    configured.push({ module, configs: builder.configs });
  }
  const rank = (module: ModuleNode) => (module.global ? -1 : module.depth);
  configured.sort((a, b) => rank(a.module) - rank(b.module));
  for (const { module, configs } of configured) {
    for (const config of configs) {
      const applies = matcherFor(config, paths, `${module.name}.configure()`);
      for (const item of config.middleware) chain.useWhen(applies, await handlerFor(item, module, container));
    }
  }
}

/** The methods a route means: undefined for every one; GET includes HEAD, which the router answers with the GET route. */
function methodsOf(method: number, headWithGet: boolean): ReadonlySet<string> | undefined {
  if (method === -1 || method === RequestMethod.ALL) return undefined;
  const name = RequestMethod[method];
  if (name === undefined) return new Set();
  return new Set(headWithGet && method === RequestMethod.GET ? ['GET', 'HEAD'] : [name]);
}

interface CompiledRoute {
  pattern: RegExp;
  methods: ReadonlySet<string> | undefined;
}

/**
 * Whether one `apply()` runs for a URL and method. Its routes are tried on
 * the canonical path and on the view with encoded slashes as separators (as
 * app.use mounts are, see request-target.ts), so it never misses a path that
 * reaches a route it covers; its exclusions only on the canonical path, the
 * one the router reads, so no spelling makes it skip a route it should run for.
 */
function matcherFor(config: MiddlewareConfig, paths: RoutePaths, where: string): (url: string, mounted: string, method: string) => boolean {
  const compile = (route: MiddlewareRoute, list: string[], mode: 'exact' | 'prefix', headWithGet: boolean, call: string): CompiledRoute[] =>
    list.map((path) => ({ pattern: compilePattern(path, mode, `${where}: ${call}`), methods: methodsOf(route.method, headWithGet) }));
  const includes = config.routes
    .flatMap(routesOf(paths))
    .flatMap((route) => compile(route, paths.forMiddleware(route), route.method === -1 ? 'prefix' : 'exact', true, 'forRoutes()'));
  const excludes = config.excluded.map(asRoute).flatMap((route) => compile(route, paths.forExclusion(route), 'exact', false, 'exclude()'));
  const allows = (entry: CompiledRoute, method: string) => entry.methods === undefined || entry.methods.has(method);

  // The middleware of one apply() ask in turn about the same request: the last answer is kept.
  let lastUrl = '';
  let lastMethod = '';
  let lastAnswer = false;
  return (url, mounted, method) => {
    if (url === lastUrl && method === lastMethod) return lastAnswer;
    const subject = patternSubject(url);
    const view = mounted === url ? subject : patternSubject(mounted);
    const included = includes.some((i) => allows(i, method) && (i.pattern.test(subject) || (view !== subject && i.pattern.test(view))));
    const answer = included && !excludes.some((e) => allows(e, method) && e.pattern.test(subject));
    lastUrl = url;
    lastMethod = method;
    lastAnswer = answer;
    return answer;
  };
}

function routesOf(paths: RoutePaths): (target: MiddlewareTarget) => MiddlewareRoute[] {
  return (target) => (typeof target === 'function' ? paths.controllerRoutes(target) : [asRoute(target)]);
}

/** A bare path means every method, as a mount (Nest's -1); `{ path, method }` one method, the whole path. */
function asRoute(target: string | RouteInfo): MiddlewareRoute {
  return typeof target === 'string' ? { path: target, method: -1 } : { path: target.path, method: target.method, version: target.version };
}

/** A class is built by the container, in the module that configured it (per request when it depends on a request-scoped provider). */
async function handlerFor(item: Type | Function, module: ModuleNode, container: Container): Promise<Middleware> {
  if (!isClass(item)) return item as Middleware;
  const type = item as Type<NestMiddleware>;
  if (typeof type.prototype?.use !== 'function') throw Errors.MIDDLEWARE_WITHOUT_USE(type.name || 'an anonymous class', module.name);
  const scope = Reflect.getMetadata(META.scope, type);
  if (container.isRequestScoped({ kind: 'class', token: type, useClass: type, scope }, module)) {
    return (req, res, next) => container.instantiate(type, module, contextOfRequest(req)).then((instance) => (instance as NestMiddleware).use(req, res, next));
  }
  const instance = await container.enhancer<NestMiddleware>(type, module);
  if (typeof instance?.use !== 'function') throw Errors.MIDDLEWARE_WITHOUT_USE(type.name || 'an anonymous class', module.name);
  return (req, res, next) => instance.use(req, res, next);
}

function isClass(fn: Function): boolean {
  try {
    if (Function.prototype.toString.call(fn).startsWith('class')) return true;
  } catch {
    // A Proxy or a bound function: judged by its prototype below.
  }
  return typeof (fn.prototype as { use?: unknown } | undefined)?.use === 'function';
}
