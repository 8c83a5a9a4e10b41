import { META } from '../common/metadata-keys.js';
import { consumesOwnBody } from '../common/body-consumer.js';
import { Logger } from '../common/logger.js';
import { Errors } from '../errors.js';
import type { Enhancer } from '../common/enhancer.decorators.js';
import type { CanActivate, ExceptionFilter, NestInterceptor, PipeTransform } from '../common/interfaces.js';
import type { ParamDefinition } from '../common/param.decorators.js';
import type { RouteDefinition, RedirectOptions } from '../common/route.decorators.js';
import type { HttpMethod, Type } from '../common/types.js';
import type { Container } from '../di/container.js';
import type { ModuleNode } from '../di/module-graph.js';
import { bindFilter, type BoundFilter } from './exception-handler.js';
import { argumentMetadata, resolverFor, type CompiledParam } from './param-resolvers.js';
import { respond } from './respond.js';
import type { BodyLimits } from './body-parser.js';
import { contextOfRequest } from '../di/request-context.js';
import { isRequestScopedStandIn } from '../di/request-scoped-enhancer.js';
import { routerPaths, withNamedWildcard } from './route-syntax.js';
import { compileHost, withHostParams, type CompiledHost } from './host-pattern.js';
import type { ControllerMetadata } from '../common/controller.decorator.js';
import { chainInterceptors } from './interceptor-chain.js';
import { loadRx } from './rx.js';
import { compileRoute, type RouteHandler, type Sender } from './route-pipeline.js';
import type { StreamRoutes } from './stream-routes.js';
import { joinPath, ROUTABLE_METHODS, type Router } from './router.js';
import type { RoutePaths, RouteTarget } from './route-paths.js';
import type { ViewRenderer } from './view-renderer.js';

export interface GlobalEnhancers {
  guards: Enhancer<CanActivate>[];
  interceptors: Enhancer<NestInterceptor>[];
  pipes: Enhancer<PipeTransform>[];
  filters: Enhancer<ExceptionFilter>[];
}

export interface BuildOptions {
  container: Container;
  router: Router;
  /** Which routes stream (SSE), and how they send. */
  streams?: StreamRoutes;
  /** Where each route goes: global prefix (and its exclusions), versions. */
  paths: RoutePaths;
  globals: GlobalEnhancers;
  globalPrefix: string;
  body: BodyLimits | false;
  /** Answer as NestJS does where streamnest differs (see ApplicationOptions.nestCompatible). */
  nestCompatible?: boolean;
  /** The app's views (app.setViewEngine()), for @Render() routes. */
  views?: ViewRenderer;
}

const logger = new Logger('RoutesResolver');

/**
 * Reads every controller's decorator metadata once, at start-up, and registers
 * one compiled handler per route. Nothing here runs per request.
 */
export async function buildRoutes(options: BuildOptions): Promise<void> {
  const implicitHeads: ImplicitHead[] = [];
  for (const [controller, { instance, host }] of options.container.controllers) {
    const routes: RouteDefinition[] = Reflect.getMetadata(META.routes, controller) ?? [];
    logger.log(
      `${controller.name} {${options.paths
        .controllerPaths(controller)
        .map((prefix) => joinPath(options.globalPrefix, prefix))
        .join(', ')}}`,
    );
    for (const route of routes) {
      implicitHeads.push(...(await buildRoute(options, controller, instance as object | undefined, host, options.paths.forRoute(controller, route), route)));
    }
  }
  // HEAD answers for every GET, with the GET's headers and no body. Added last,
  // so an explicit @Head() on the same path, declared before or after, wins.
  for (const { path, version, host, handler, owner } of implicitHeads) {
    if (!options.router.has('HEAD', path, version, host)) options.router.add('HEAD', path, handler, owner, version, host);
  }
}

/** The global filters, bound once, for errors no route handles (404, 405, middleware). */
export async function bindGlobalFilters(container: Container, filters: Enhancer<ExceptionFilter>[]): Promise<BoundFilter[]> {
  const instances = await Promise.all(filters.map((f) => container.enhancer(f, container.root)));
  return instances.map(bindFilter);
}

interface ImplicitHead extends RouteTarget {
  handler: RouteHandler;
  owner: string;
  host?: string | RegExp;
}

/** A controller's hosts, compiled; `[undefined]` when it answers on any host. */
function hostsOf(controller: Type, owner: string): Array<CompiledHost | undefined> {
  const host = (Reflect.getOwnMetadata(META.controller, controller) as ControllerMetadata).host;
  if (host === undefined) return [undefined];
  return (Array.isArray(host) ? host : [host]).map((pattern) => compileHost(pattern, `@Controller({ host }) of ${owner}`));
}

async function buildRoute(
  options: BuildOptions,
  controller: Type,
  instance: object | undefined,
  host: ModuleNode,
  targets: RouteTarget[],
  route: RouteDefinition,
): Promise<ImplicitHead[]> {
  const { container, router, globals } = options;
  const proto = controller.prototype;
  const key = route.handlerName;
  const owner = `${controller.name}.${String(key)}`;
  const handler = proto[key] as Function;
  const streamSender = options.streams?.senderFor({ proto, key, owner, method: route.method, paths: targets.filter((t) => !t.alias).map((t) => t.path) });
  const streaming = streamSender !== undefined;

  const enhancers = async <T>(metaKey: string, global: Enhancer<T>[]) => {
    const all = [...global, ...(Reflect.getMetadata(metaKey, controller) ?? []), ...(Reflect.getMetadata(metaKey, proto, key) ?? [])] as Enhancer<T>[];
    return Promise.all(all.map((e) => container.enhancer(e, host)));
  };
  const guards = await enhancers(META.guards, globals.guards);
  const interceptors = await enhancers(META.interceptors, globals.interceptors);
  // An interceptor that reads the body itself (the upload interceptors stream multipart) gets it unread.
  const ownBody = interceptors.some(consumesOwnBody);
  const routePipes = await enhancers(META.pipes, globals.pipes);
  const scopedPipe = routePipes.find(isRequestScopedStandIn);
  if (scopedPipe) throw Errors.SCOPED_OUTSIDE_REQUEST(`${(scopedPipe as object).constructor.name}, a pipe of ${owner},`);
  // Filters: the most specific first (method, then class, then global).
  const filters = (await enhancers(META.filters, [...globals.filters].reverse())).reverse().map(bindFilter);
  const params = await compileParams(options, controller, key, host, routePipes);
  // @Res() without passthrough, or @Next(): the handler answers (as in NestJS), the framework sends nothing.
  const ownsResponse = params.defs.some((p) => (p.kind === 'res' && !p.passthrough) || p.kind === 'next');
  const usesNext = params.defs.some((p) => p.kind === 'next');
  // With @Res({ passthrough: true }) the handler may set the status itself: as NestJS does, the route's
  // status is set before the handler runs, and the response goes out with whatever status it then has.
  const passthrough = !streaming && params.defs.some((p) => p.kind === 'res' && p.passthrough);
  const status = routeStatus(route.method, proto, key);

  const template: string | undefined = streaming ? undefined : Reflect.getMetadata(META.render, proto, key);
  if (template !== undefined && options.views === undefined) throw Errors.VIEWS_NOT_CONFIGURED(`@Render(${JSON.stringify(template)}) on ${owner}`);
  const textType = options.nestCompatible === true ? NEST_TEXT_TYPE : undefined;
  const send: Sender =
    streamSender ??
    (template === undefined
      ? plainSender(passthrough ? 'as set' : status, proto, key, textType)
      : renderSender(template, options.views!, passthrough ? 'as set' : status, proto, key));
  // A request-scoped controller is made per request, in the request's context (see di/request-context.ts).
  const instanceFor = instance === undefined ? (req: object) => container.controllerFor(controller, contextOfRequest(req)) as Promise<object> : undefined;
  const compiled = compileRoute({
    controller,
    instance,
    instanceFor,
    handler,
    guards,
    filters,
    chain: interceptors.length === 0 ? undefined : chainInterceptors(interceptors, await loadRx(), streaming),
    send,
    ownsResponse,
    initialStatus: passthrough ? status : undefined,
    usesNext,
    params: params.compiled,
    body: streaming || ownBody ? false : options.body,
  });

  return registerRoute(router, controller, route, owner, targets, compiled, streaming);
}

/**
 * Registers a compiled route at each of its paths (NestJS 11's `{optional}`
 * parts and `*name` wildcards in the router's terms, see route-syntax.ts),
 * for each host of its controller and each of its methods. Returns the
 * implicit HEADs a GET brings.
 */
function registerRoute(
  router: Router,
  controller: Type,
  route: RouteDefinition,
  owner: string,
  targets: RouteTarget[],
  compiled: RouteHandler,
  streaming: boolean,
): ImplicitHead[] {
  const methods: HttpMethod[] = route.method === 'ALL' ? ROUTABLE_METHODS : [route.method];
  const registered = targets.flatMap((target) =>
    routerPaths(target.path, owner).map(({ path, wildcard }) => ({
      ...target,
      path,
      handler: wildcard === undefined ? compiled : withNamedWildcard(compiled, wildcard),
    })),
  );
  // @Controller({ host }): each route once per host, the router matching the request's host.
  const hosts = hostsOf(controller, owner);
  if (hosts[0] !== undefined) router.useHostConstraint();
  const placed = registered.flatMap((target) =>
    hosts.map((hostname): typeof target & { host?: string | RegExp } =>
      hostname === undefined ? target : { ...target, host: hostname.match, handler: withHostParams(target.handler, hostname) },
    ),
  );
  for (const { path, version, host, handler, alias } of placed) {
    for (const method of methods) {
      // An alias names itself in a conflict: the same handler may collide with its own alias.
      router.add(method, path, handler, alias ? `${owner} (alias)` : owner, version, host);
      logger.log(
        `Mapped {${path}, ${method}}${version === undefined ? '' : ` (version: ${String(version)})`}${host === undefined ? '' : ` (host: ${String(host)})`}${streaming ? ' (SSE)' : ''}${alias ? ' (alias)' : ''} route`,
      );
    }
  }
  // SSE routes stream only on GET, so they get no implicit HEAD.
  return route.method === 'GET' && !streaming ? placed.map((target) => ({ ...target, owner: `${owner} (HEAD)` })) : [];
}

async function compileParams(options: BuildOptions, controller: Type, key: string | symbol, host: ModuleNode, routePipes: PipeTransform[]) {
  const defs: ParamDefinition[] = Reflect.getMetadata(META.params, controller.prototype, key) ?? [];
  const types: Type[] = Reflect.getMetadata(META.paramTypes, controller.prototype, key) ?? [];
  const count = Math.max(defs.length === 0 ? 0 : Math.max(...defs.map((d) => d.index)) + 1, 0);
  const compiled: CompiledParam[] = [];
  for (let index = 0; index < count; index++) {
    const def = defs.find((d) => d.index === index);
    if (!def) {
      compiled.push({ resolve: () => undefined, pipes: [], metadata: { type: 'custom' } });
      continue;
    }
    const ownPipes = await Promise.all(def.pipes.map((p) => options.container.enhancer(p, host)));
    // Route-level pipes apply to body, query and param values, and to custom decorators, as in NestJS.
    const pipes =
      def.kind === 'req' || def.kind === 'res' || def.kind === 'next' || def.kind === 'headers' || def.kind === 'ip' ? ownPipes : [...routePipes, ...ownPipes];
    compiled.push({ resolve: resolverFor(def), pipes, metadata: argumentMetadata(def, types[index]) });
  }
  return { defs, compiled };
}

/** What Express (so NestJS) sends a string as. */
const NEST_TEXT_TYPE = 'text/html; charset=utf-8';

/** A route's success status: @HttpCode, else 201 for POST and 200 for the rest. */
function routeStatus(method: RouteDefinition['method'], proto: object, key: string | symbol): number {
  return Reflect.getMetadata(META.httpCode, proto, key) ?? (method === 'POST' ? 201 : 200);
}

/**
 * The sender of a plain route: status, @Header, @Redirect, then the body by
 * its kind. `'as set'` sends the status the response already has (passthrough).
 */
function plainSender(statusOrAsSet: number | 'as set', proto: object, key: string | symbol, textType?: string): Sender {
  if (statusOrAsSet === 'as set') {
    const inner = plainSender(0, proto, key, textType);
    return (ctx, result) => inner(ctx, result, ctx.response.statusCode);
  }
  const status = statusOrAsSet;
  const headers: Array<readonly [string, string]> = Reflect.getMetadata(META.headers, proto, key) ?? [];
  const redirect: RedirectOptions | undefined = Reflect.getMetadata(META.redirect, proto, key);
  if (redirect) {
    return (ctx, result) => {
      const override = (result ?? {}) as Partial<RedirectOptions>;
      const res = ctx.response;
      if (res.headersSent) return;
      res.statusCode = override.statusCode ?? redirect.statusCode;
      res.setHeader('Location', override.url ?? redirect.url);
      res.setHeader('Content-Length', 0);
      res.end();
    };
  }
  if (headers.length === 0) return (ctx, result, asSet) => respond(ctx.response, result, asSet ?? status, textType);
  return (ctx, result, asSet) => {
    for (const [name, value] of headers) ctx.response.setHeader(name, value);
    return respond(ctx.response, result, asSet ?? status, textType);
  };
}

const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * The sender of a @Render() route: the handler's result is the template's
 * data; the HTML goes out with the route's status and @Header()s. A template
 * that is missing or fails rejects, and the route's filters answer (a 500).
 */
function renderSender(template: string, views: ViewRenderer, statusOrAsSet: number | 'as set', proto: object, key: string | symbol): Sender {
  const headers: Array<readonly [string, string]> = Reflect.getMetadata(META.headers, proto, key) ?? [];
  return async (ctx, result) => {
    const html = await views.render(template, typeof result === 'object' && result !== null ? result : {});
    const res = ctx.response;
    for (const [name, value] of headers) res.setHeader(name, value);
    return respond(res, html, statusOrAsSet === 'as set' ? res.statusCode : statusOrAsSet, HTML_TYPE);
  };
}
