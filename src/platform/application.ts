import serveStatic from 'serve-static';
import type { AddressInfo } from 'node:net';
import { Errors } from '../errors.js';
import type { Enhancer } from '../common/enhancer.decorators.js';
import type { CanActivate, ExceptionFilter, Middleware, NestInterceptor, PipeTransform, Request, Response } from '../common/interfaces.js';
import type { Container } from '../di/container.js';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '../common/tokens.js';
import { NestApplicationContext } from './application-context.js';
import { CORS, type CorsOptions } from '../cors/index.js';
import { resolveBodyLimits, type BodyLimits, type BodyParserOptions } from '../http/body-parser.js';
import { canonicalUrl } from '../http/request-target.js';
import { BadRequestException } from '../common/exceptions.js';
import { resolveServerLimits, type ServerLimits, type ServerLimitsOptions } from './server-limits.js';
import { MiddlewareChain } from '../http/middleware-chain.js';
import { bindGlobalFilters, buildRoutes, type GlobalEnhancers } from '../http/route-builder.js';
import { Router } from '../http/router.js';
import { HttpAdapter, HttpAdapterHost } from '../http/http-adapter.js';
import { SseRuntime, type SseStats } from '../sse/runtime.js';
import { SseRoutes } from '../sse/sse-routes.js';
import { SseHub } from '../sse/hub/hub.js';
import type { EventContract } from '../sse/contract/define-events.js';
import { asyncApiDocument, type AsyncApiDocument, type AsyncApiOptions } from '../sse/asyncapi/asyncapi-document.js';
import { respond } from '../http/respond.js';
import type { SseOptions } from '../sse/options.js';
import { HttpServer, type AnyServer, type ListenOptions, type TlsOptions } from './http-server.js';
import { GlobalPrefix, type GlobalPrefixOptions } from '../http/global-prefix.js';
import { applyModuleMiddleware } from '../http/module-middleware.js';
import { RoutePaths } from '../http/route-paths.js';
import { modulePaths } from '../http/router-module.js';
import { Versioning } from '../http/versioning.js';
import { VersioningType, type VersioningOptions } from '../common/versioning-options.js';
import type { LoggerService, LogLevel } from '../common/logger.js';
import { VIEW_RENDERER, type ViewEngine, type ViewEngineOptions, type ViewRenderer } from '../http/view-renderer.js';
import { printable } from '../common/describe.js';
import { SseInsights } from '../sse/monitor/sse-insights.js';
import { SseDoctor, type DoctorOptions } from './sse-doctor.js';
import { FetchHandler } from './fetch-handler.js';
import { NativeServer } from './native-server.js';
import { currentRuntime, inClusterWorker } from './js-runtime.js';
import type { WebClient } from '../http/web/web-request.js';

export interface ApplicationOptions {
  /** `false` silences logging; a list enables those levels; or pass your own LoggerService. */
  logger?: LoggerService | LogLevel[] | boolean;
  /** Parse JSON, urlencoded and text bodies (default true), with a size limit (default 1 MiB) and a JSON depth limit (default 64). */
  bodyParser?: boolean | BodyParserOptions;
  /** The server's time and connection limits: header, request, body and keep-alive timeouts, connections in total and per address. */
  http?: ServerLimitsOptions;
  /** App-wide SSE settings: heartbeat, backpressure limits, shutdown retry hint. */
  sse?: SseOptions;
  /**
   * The SSE doctor: at listen(), it warns (through the logger, each once) about
   * what breaks event streams in production, each warning with a code
   * (docs/ERRORS.md, "Warnings"). `false` turns it off; `{ silence: ['SN_WARN_…'] }`
   * silences those. Default: on.
   */
  doctor?: DoctorOptions;
  /** How long `close()` lets requests in flight finish before cutting them, in ms. Default 10 000. */
  shutdownTimeout?: number;
  /** CORS for every route, as `app.enableCors()` would: `true` for the defaults, or its options. */
  cors?: boolean | CorsOptions;
  /**
   * Answer exactly as NestJS (on Express) would where streamnest deliberately
   * differs: a wrong method on a known path is a 404 instead of a 405 with
   * `Allow`; a returned string is `text/html` instead of `text/plain`; SSE
   * events from an Observable without an `id` are numbered 1, 2, 3…
   * See docs/MIGRATING-FROM-NEST.md. Default false.
   */
  nestCompatible?: boolean;
  /** Keep each parsed body's bytes on `req.rawBody` (a Buffer), as NestJS's `rawBody: true`: for webhook signatures. */
  rawBody?: boolean;
  /** Serve HTTPS with these TLS options when `listen()` is given none, as NestJS's `httpsOptions`. */
  httpsOptions?: TlsOptions;
  /** Accepted for NestJS compatibility and ignored: logs are never buffered, and start-up errors always throw. */
  bufferLogs?: boolean;
  autoFlushLogs?: boolean;
  abortOnError?: boolean;
  snapshot?: boolean;
  preview?: boolean;
  /** Accepted for NestJS compatibility: `close()` always ends open connections after `shutdownTimeout`. */
  forceCloseConnections?: boolean;
  /**
   * The server `listen()` starts. `'auto'` (the default): the runtime's own
   * web-standard server on Deno (`Deno.serve`) and Bun (`Bun.serve`), Node's
   * `node:http` on Node. `'node'`: Node's server on every runtime (through
   * Deno's and Bun's Node layers; needed for HTTP/2 on Bun and for Connect
   * middleware that reaches into Node's socket). `'web'`: the runtime's
   * server, an error on Node, which has none. `app.fetch()` works with any.
   * Without this option, the environment variable `STREAMNEST_ENGINE` (one of
   * the same three) chooses, so a deployment or a test run can pick the server
   * without changing the code.
   * In a `node:cluster` worker `'auto'` is Node's server, which shares the
   * port with the other workers; `'web'` there binds with `reusePort` (Bun
   * balances on Linux; Deno asks for `--unstable-net`).
   */
  engine?: ServerEngine;
}

/** Which server `listen()` starts: see `ApplicationOptions.engine`. */
export type ServerEngine = 'auto' | 'node' | 'web';

/**
 * ApplicationOptions rather than a NestJS HTTP adapter (an object with
 * methods such as getInstance), which `create()` and `createNestApplication()`
 * accept first, as NestJS's do, and ignore.
 */
export function isApplicationOptions(value: unknown): value is ApplicationOptions {
  return typeof value === 'object' && value !== null && typeof (value as { getInstance?: unknown }).getInstance !== 'function';
}

/** NestJS's name for the options of `NestFactory.create()`. */
export type NestApplicationOptions = ApplicationOptions;

/** NestJS's names for the application types, so `let app: INestApplication` compiles unchanged. */
export interface INestApplication<_TServer = any> extends NestApplication {}
export interface INestApplicationContext extends NestApplicationContext {}

/** A running streamnest application: the container, the routes and the server. */
export class NestApplication extends NestApplicationContext {
  private readonly router: Router;
  private readonly middleware = new MiddlewareChain();
  private readonly globals: GlobalEnhancers = { guards: [], interceptors: [], pipes: [], filters: [] };
  private readonly sseRuntime: SseRuntime;
  private globalPrefix = '';
  private readonly nestCompatible: boolean;
  private readonly httpsOptions: TlsOptions | undefined;
  private server: HttpServer | undefined;
  /** The runtime's own server (Deno.serve, Bun.serve), when listen() started one. */
  private native: NativeServer | undefined;
  private readonly engine: ServerEngine;
  /** The web-standard engine, made on first use (app.fetch, or a native server). */
  private fetcher: FetchHandler | undefined;
  private starting: Promise<unknown> | undefined;
  private secure = false;

  private readonly limits: ServerLimits;
  private readonly body: BodyLimits | false;
  private routePrefix: GlobalPrefix | undefined;
  private versioning: Versioning | undefined;
  /** What setViewEngine() and setBaseViewsDir() were given; the views module is loaded at init only if an engine is set. */
  private readonly viewSettings: { engine?: string | ViewEngine; options?: ViewEngineOptions; dirs?: string[] } = {};
  private views: ViewRenderer | undefined;
  /** The app's `@Sse` routes, once built: what the AsyncAPI document describes. */
  private sseRoutes: SseRoutes | undefined;
  /** Where `enableAsyncApi()` serves the document, if it was called. */
  private asyncApi: { path: string; options: AsyncApiOptions } | undefined;
  private readonly doctor: SseDoctor;

  constructor(container: Container, options: ApplicationOptions = {}) {
    super(container, options.shutdownTimeout ?? 10_000);
    this.router = new Router({ methodNotAllowed: options.nestCompatible !== true });
    this.nestCompatible = options.nestCompatible === true;
    this.sseRuntime = new SseRuntime(options.sse);
    this.doctor = new SseDoctor(options.doctor);
    // Metrics and the dashboard reach the app's streams through its insights.
    this.insights().bind(this.sseRuntime);
    this.limits = resolveServerLimits(options.http);
    this.body = resolveBodyLimits(options.bodyParser, this.limits.bodyTimeout, options.rawBody === true);
    this.httpsOptions = options.httpsOptions;
    this.engine = options.engine !== undefined ? engineOf(options.engine, 'NestFactory.create(module, { engine })') : engineFromEnv();
    if (options.cors) this.enableCors(options.cors === true ? {} : options.cors);
  }

  /** Mounts connect-style middleware, for every path or under a prefix. Express middleware works unchanged. */
  use(fn: Middleware): this;
  use(path: string, fn: Middleware): this;
  use(pathOrFn: string | Middleware, fn?: Middleware): this {
    if (typeof pathOrFn === 'string') this.middleware.use(pathOrFn, fn as Middleware);
    else this.middleware.use('', pathOrFn);
    return this;
  }

  /**
   * CORS for every route, as NestJS's `app.enableCors()`, with the safety
   * rules of `streamnest/cors` (credentials need an explicit origin).
   */
  enableCors(options: CorsOptions = {}): this {
    return this.use(CORS(options));
  }

  /** Serves files from `dir` (via serve-static), optionally under a URL prefix. */
  useStaticAssets(dir: string, options: { prefix?: string; maxAge?: number | string; index?: string | false } = {}): this {
    const { prefix = '', ...rest } = options;
    this.middleware.use(prefix, serveStatic(dir, { fallthrough: true, ...rest }) as unknown as Middleware);
    return this;
  }

  /** Puts every route under `prefix` but those excluded: `setGlobalPrefix('api', { exclude: ['health', { path: 'x', method: RequestMethod.GET }] })`. */
  setGlobalPrefix(prefix: string, options: GlobalPrefixOptions = {}): this {
    this.routePrefix = new GlobalPrefix(prefix, options);
    this.globalPrefix = prefix;
    return this;
  }

  /**
   * The directory (or directories, searched in order) templates are read
   * from, for @Render() and res.render(), as NestExpressApplication's. Default: `views`.
   */
  setBaseViewsDir(path: string | string[]): this {
    const dirs = Array.isArray(path) ? path : [path];
    if (dirs.length === 0 || dirs.some((dir) => typeof dir !== 'string' || dir === '')) {
      throw Errors.INVALID_ARGUMENT('app.setBaseViewsDir(path)', 'path must be a directory, or a list of them', printable(path));
    }
    this.viewSettings.dirs = dirs;
    return this;
  }

  /**
   * The template engine, as NestExpressApplication's: 'ejs' or 'hbs' (the
   * optional peers ejs and handlebars), another package's name, or an engine
   * of your own (see ViewEngine). It is loaded at start-up; a package that is
   * not installed fails it with SN_ERR_VIEW_ENGINE_MISSING.
   */
  setViewEngine(engine: string | ViewEngine, options: ViewEngineOptions = {}): this {
    const shape = typeof engine;
    if (!(shape === 'function' || (shape === 'string' && engine !== '') || (shape === 'object' && engine !== null))) {
      throw Errors.INVALID_VIEW_ENGINE('the engine must be a name, an object or a function', printable(engine));
    }
    if (options.extension !== undefined && !/^\.[^/\\\0]+$/.test(options.extension)) {
      throw Errors.INVALID_VIEW_ENGINE("extension must start with a dot, as '.html'", printable(options.extension));
    }
    this.viewSettings.engine = engine;
    this.viewSettings.options = options;
    return this;
  }

  /** Routes answer by version (@Version(), @Controller({ version })): in the URI (the default), a header, the Accept header, or your extractor. */
  enableVersioning(options: VersioningOptions = { type: VersioningType.URI }): this {
    this.versioning = new Versioning(options);
    return this;
  }

  useGlobalGuards(...guards: Enhancer<CanActivate>[]): this {
    this.globals.guards.push(...guards);
    return this;
  }
  useGlobalInterceptors(...items: Enhancer<NestInterceptor>[]): this {
    this.globals.interceptors.push(...items);
    return this;
  }
  useGlobalPipes(...pipes: Enhancer<PipeTransform>[]): this {
    this.globals.pipes.push(...pipes);
    return this;
  }
  useGlobalFilters(...filters: Enhancer<ExceptionFilter>[]): this {
    this.globals.filters.push(...filters);
    return this;
  }

  /** Builds the routes, between onModuleInit and onApplicationBootstrap. `listen` calls `init()`; tests may call it alone. */
  protected override async afterModuleInit(): Promise<void> {
    const globals: GlobalEnhancers = {
      // APP_GUARD and its kin first (declared at start-up), then those added with useGlobal*().
      guards: [...(this.container.providersFor(APP_GUARD) as CanActivate[]), ...this.globals.guards],
      interceptors: [...(this.container.providersFor(APP_INTERCEPTOR) as NestInterceptor[]), ...this.globals.interceptors],
      pipes: [...(this.container.providersFor(APP_PIPE) as PipeTransform[]), ...this.globals.pipes],
      filters: [...(this.container.providersFor(APP_FILTER) as ExceptionFilter[]), ...this.globals.filters],
    };
    // Modules' configure(consumer) runs before the routes are built, as in NestJS; see module-middleware.ts.
    const paths = new RoutePaths(this.routePrefix ?? new GlobalPrefix(''), this.versioning, modulePaths(this.container));
    await applyModuleMiddleware(this.container, this.middleware, paths);
    if (this.versioning?.constraint) this.router.useVersionConstraint(this.versioning.constraint);
    this.views = await this.loadViews();
    const sseRoutes = new SseRoutes(this.sseRuntime, { numberIds: this.nestCompatible });
    await buildRoutes({
      paths,
      container: this.container,
      router: this.router,
      streams: sseRoutes,
      globals,
      globalPrefix: this.globalPrefix,
      body: this.body,
      nestCompatible: this.nestCompatible,
      views: this.views,
    });
    this.sseRoutes = sseRoutes;
    if (this.asyncApi) this.serveAsyncApi(this.asyncApi.path, this.asyncApi.options);
    this.router.setFallbackFilters(await bindGlobalFilters(this.container, globals.filters));
  }

  /** The views module (streamnest/views), loaded only by apps that set a view engine, and the engine with it. */
  private async loadViews(): Promise<ViewRenderer | undefined> {
    const { engine, options = {}, dirs } = this.viewSettings;
    if (engine === undefined) return undefined;
    const { Views } = await import('../views/index.js');
    return Views.create({ engine, dirs, extension: options.extension, cache: options.cache });
  }

  /**
   * The web-standard entry point, as Hono's `app.fetch`: a web `Request` in, a
   * web `Response` out, through the same middleware, guards, pipes and routes
   * as a request to the server, event streams included (the body is then a
   * `ReadableStream`). No socket needed: call it from tests, mount it in another
   * server, or hand it to `Deno.serve(app.fetch)`. Initialises the app on first
   * use. `client` says who is asking (`req.ip`), when the caller knows.
   */
  readonly fetch = async (request: globalThis.Request, client?: WebClient): Promise<globalThis.Response> => {
    if (this.sseRoutes === undefined) await (this.starting ??= this.init());
    this.fetcher ??= new FetchHandler((req, res) => this.handle(req, res));
    return this.fetcher.fetch(request, client);
  };

  /**
   * Starts listening. `port` 0 picks a free port; see `getUrl()`. On Deno and
   * Bun this is the runtime's own server unless `engine: 'node'` says otherwise;
   * it resolves to the server: Node's, or the runtime's (`Deno.HttpServer`, Bun's `Server`).
   */
  async listen(portOrOptions: number | string | ListenOptions = 0, hostname?: string): Promise<any> {
    if (this.server?.listening || this.native?.listening) throw Errors.ALREADY_LISTENING();
    const given: ListenOptions = typeof portOrOptions === 'object' ? portOrOptions : { port: Number(portOrOptions), hostname };
    const options: ListenOptions = given.https || given.http2 || !this.httpsOptions ? given : { ...given, https: this.httpsOptions };
    await this.init();
    this.secure = options.http2 !== undefined || options.https !== undefined;
    const runtime = this.nativeRuntime(options);
    if (runtime !== undefined) return this.listenNative(runtime, options, hostname);
    // A plain server made earlier by getHttpServer() is reused; TLS needs a server of its own.
    if (!this.server || this.secure) this.server = this.createServer(options);
    const address = await this.server.listen(options.port ?? 0, options.hostname ?? hostname);
    this.adapterHost().listening = true;
    this.logger.log(`listening on ${this.urlOf(address)}`);
    await this.examineSse(options.http2 ? 'http2' : options.https ? 'https' : 'http');
    return this.server.server;
  }

  /** The runtime whose own server listen() starts, or undefined for Node's server. */
  private nativeRuntime(options: ListenOptions): 'deno' | 'bun' | undefined {
    const runtime = currentRuntime();
    if (this.engine === 'node') return undefined;
    // node:cluster shares one port between workers through Node's server; the runtime's own would find it taken.
    if (this.engine === 'auto' && runtime !== 'node' && inClusterWorker()) return undefined;
    if (runtime === 'node') {
      if (this.engine === 'web')
        throw Errors.ENGINE_UNAVAILABLE('web', 'Node has no web-standard server of its own: use the default engine, or app.fetch() in yours');
      return undefined;
    }
    // Bun.serve speaks no HTTP/2: Node's HTTP/2 server, through Bun's Node layer, does.
    if (options.http2 && runtime === 'bun') {
      if (this.engine === 'web')
        throw Errors.ENGINE_UNAVAILABLE('web', "Bun.serve has no HTTP/2; leave engine 'auto' to serve HTTP/2 with Node's server on Bun");
      return undefined;
    }
    return runtime;
  }

  private async listenNative(runtime: 'deno' | 'bun', options: ListenOptions, hostname: string | undefined): Promise<unknown> {
    // Its own engine, made for the server's quirks (see ServerQuirks); app.fetch's callers have none of them.
    const bun = runtime === 'bun';
    const engine = new FetchHandler((req, res) => this.handle(req, res), {
      headWaitsForBytes: bun,
      printsBodyErrors: bun,
      refusesErrorResponse: true,
      directEventStreams: bun,
    });
    const native = new NativeServer(runtime, engine, options.https ?? options.http2, this.limits.keepAliveTimeout, inClusterWorker());
    const address = await native.listen(options.port ?? 0, options.hostname ?? hostname);
    this.native = native;
    this.adapterHost().httpAdapter.setHttpServer(native.handle);
    this.adapterHost().listening = true;
    this.logger.log(`listening on ${this.urlOf(address)} (${runtime === 'deno' ? 'Deno.serve' : 'Bun.serve'})`);
    await this.examineSse(options.http2 ? 'http2' : options.https ? 'https' : 'http');
    return native.handle;
  }

  /** The SSE doctor's start-up checks; what it finds is logged, and listed on the dashboard. */
  private async examineSse(server: 'http' | 'https' | 'http2'): Promise<void> {
    const insights = this.insights();
    insights.warnings = await this.doctor.examine({
      routes: this.sseRoutes?.routes ?? [],
      defaults: this.sseRuntime.defaults,
      middleware: this.middleware,
      server,
      dashboards: insights.dashboards,
    });
  }

  private insights(): SseInsights {
    return this.container.get(SseInsights);
  }

  /**
   * The request entry point: the URL made canonical (once, here, for everyone
   * after), then middleware, then the router.
   */
  private handle(req: Request, res: Response): void {
    const raw = req.url ?? '/';
    const url = canonicalUrl(raw);
    if (url === undefined) {
      this.router.fail(req, res, new BadRequestException('Invalid request target: malformed percent-encoding, a control character, or not a path'));
      return;
    }
    if (url !== raw) {
      req.originalUrl = raw;
      req.url = url;
    }
    // res.render() finds the app's views here; an app without views pays one test.
    if (this.views !== undefined) (res as { [VIEW_RENDERER]?: ViewRenderer })[VIEW_RENDERER] = this.views;
    if (this.middleware.size === 0) {
      this.dispatch(req, res);
      return;
    }
    this.middleware.run(req, res, (error) => {
      if (error !== undefined) this.router.fail(req, res, error);
      else if (!res.headersSent && !res.writableEnded) this.dispatch(req, res);
    });
  }

  /** The route, or, on a connection over a limit, its one answer (after middleware, so CORS headers are on it). */
  private dispatch(req: Request, res: Response): void {
    if (this.server?.isRefused(req)) this.server.refuse(req as never, res as never);
    else this.router.dispatch(req, res);
  }

  /**
   * The Node server. Before `listen()` it is a plain HTTP server that is not
   * listening yet, as in NestJS: `request(app.getHttpServer())` from supertest
   * works after `app.init()` alone.
   */
  getHttpServer(): AnyServer {
    this.server ??= this.createServer({});
    return this.server.server;
  }

  private createServer(options: ListenOptions): HttpServer {
    const server = new HttpServer((req: Request, res: Response) => this.handle(req, res), options, this.limits);
    this.adapterHost().httpAdapter.setHttpServer(server.server);
    return server;
  }

  private adapterHost(): HttpAdapterHost {
    return this.container.get(HttpAdapterHost);
  }

  /** As NestJS's `app.getHttpAdapter()`: reply, status, headers and the server, whatever the platform. */
  getHttpAdapter(): HttpAdapter {
    return this.adapterHost().httpAdapter;
  }

  /** The base URL the app listens on, such as `http://127.0.0.1:41234`. */
  getUrl(): string {
    if (this.native?.listening) return this.urlOf(this.native.address()!);
    if (!this.server?.listening) throw Errors.NOT_LISTENING('app.getUrl()');
    return this.urlOf(this.server.server.address() as AddressInfo);
  }

  private urlOf(address: AddressInfo): string {
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.secure ? 'https' : 'http'}://${host}:${address.port}`;
  }

  /**
   * The AsyncAPI 3.0.0 document of this app: every `@Sse` route and every hub
   * channel declared with a contract (`SseModule.forRoot({ channels })`), with
   * their events and the JSON Schema of each one's data. Once the app is
   * initialised (`await app.init()` or `app.listen()`).
   */
  getAsyncApiDocument(options: AsyncApiOptions = {}): AsyncApiDocument {
    if (this.sseRoutes === undefined) throw Errors.NOT_INITIALIZED('app.getAsyncApiDocument()');
    const hubChannels = new Map<string, EventContract>();
    for (const hub of this.container.getEach(SseHub)) for (const [pattern, contract] of hub.declaredChannels) hubChannels.set(pattern, contract);
    return asyncApiDocument(
      { routes: this.sseRoutes.routes, hubChannels, url: this.server?.listening || this.native?.listening ? this.getUrl() : undefined },
      options,
    );
  }

  /**
   * Serves the AsyncAPI document as JSON at `path` (opt-in; public, as any
   * route without guards: mount it only where the API may be read). Built on
   * the first request, then kept: routes do not change once the app runs.
   */
  enableAsyncApi(path = '/asyncapi.json', options: AsyncApiOptions = {}): this {
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw Errors.INVALID_ARGUMENT('app.enableAsyncApi(path)', "path must start with '/'", printable(path));
    if (this.asyncApi) throw Errors.INVALID_ARGUMENT('app.enableAsyncApi(path)', 'the document is already served; call it once', printable(path));
    this.asyncApi = { path, options };
    // Called after start-up: the routes are built, so it is mounted now.
    if (this.sseRoutes) this.serveAsyncApi(path, options);
    return this;
  }

  private serveAsyncApi(path: string, options: AsyncApiOptions): void {
    let document: string | undefined;
    this.router.add(
      'GET',
      path,
      (_req, res) => {
        document ??= JSON.stringify(this.getAsyncApiDocument(options));
        void respond(res, document, 200, 'application/json; charset=utf-8');
      },
      'app.enableAsyncApi()',
    );
  }

  /** SSE counters: open sessions, sessions dropped for slowness, heartbeat registrations. */
  getSseStats(): SseStats {
    return this.sseRuntime.stats();
  }

  /**
   * Shuts down gracefully: stops accepting, ends every SSE stream with a retry
   * hint, lets requests in flight finish within the timeout; then the context
   * runs onModuleDestroy, beforeApplicationShutdown and onApplicationShutdown.
   */
  protected override async stopServing(): Promise<void> {
    this.sseRuntime.closeAll();
    await Promise.all([this.server?.close(this.shutdownTimeout), this.native?.close(this.shutdownTimeout)]);
    // Responses of app.fetch() called by another server: they too may finish within the grace period.
    await this.fetcher?.close(this.shutdownTimeout);
  }
}

const ENGINES: readonly ServerEngine[] = ['auto', 'node', 'web'];

function engineOf(engine: unknown, where: string): ServerEngine {
  if (!ENGINES.includes(engine as ServerEngine)) throw Errors.INVALID_ARGUMENT(where, "engine must be 'auto', 'node' or 'web'", printable(engine));
  return engine as ServerEngine;
}

/** The engine when the app's options name none: STREAMNEST_ENGINE, or 'auto'. An empty value counts as unset. */
function engineFromEnv(): ServerEngine {
  const value = process.env.STREAMNEST_ENGINE;
  return value === undefined || value === '' ? 'auto' : engineOf(value, 'the environment variable STREAMNEST_ENGINE');
}
