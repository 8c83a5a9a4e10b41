import { Logger } from '../common/logger.js';
import { printable } from '../common/describe.js';
import type { Middleware } from '../common/interfaces.js';
import { Errors } from '../errors.js';
import type { MiddlewareChain } from '../http/middleware-chain.js';
import type { SseLimits } from '../sse/options.js';
import type { DashboardMount } from '../sse/monitor/sse-insights.js';
import type { SseRouteInfo } from '../sse/sse-routes.js';
import { PROXY_IDLE_TIMEOUT_MS, WARNING_CODES, Warnings, type SseWarning, type WarningCode } from '../warnings.js';
import { probeCompression, probePreflight } from './middleware-probe.js';

/** The doctor's setting: on (the default), off, or on with some warnings silenced by code. */
export type DoctorOptions = boolean | { silence?: readonly WarningCode[] };

/** What the doctor looks at: the app as it is about to serve. */
export interface DoctorSubject {
  routes: readonly SseRouteInfo[];
  /** The app-wide SSE settings (NestFactory.create(..., { sse })). */
  defaults: SseLimits;
  middleware: MiddlewareChain;
  /** How the server listens: 'http', 'https' or 'http2'. */
  server: 'http' | 'https' | 'http2';
  dashboards: readonly DashboardMount[];
}

/** Names of compressors' middleware functions (the compression package's is `compression`). */
const COMPRESSOR = /compress|gzip|deflate|brotli|zlib/i;
/** The `cors` package's middleware, which `CORS()` and `enableCors()` use too. */
const CORS_MIDDLEWARE = 'corsMiddleware';

const logger = new Logger('SseDoctor');

/**
 * Checks at start-up what breaks SSE in production and says how to fix it,
 * each finding with a code (src/warnings.ts) that the app can silence. It
 * reads the routes, options and middleware the app was built with, and runs
 * only middleware known to be pure (CORS, compressors) on in-memory requests.
 */
export class SseDoctor {
  private readonly enabled: boolean;
  private readonly silenced: ReadonlySet<string>;

  constructor(options: DoctorOptions | undefined) {
    this.enabled = options !== false;
    const silence = typeof options === 'object' && options !== null ? (options.silence ?? []) : [];
    if (!Array.isArray(silence)) throw Errors.INVALID_ARGUMENT('the doctor option', 'silence must be a list of warning codes', printable(silence));
    for (const code of silence) {
      if (!WARNING_CODES.includes(code)) {
        throw Errors.INVALID_ARGUMENT('the doctor option', `silence lists warning codes, known ones are ${WARNING_CODES.join(', ')}`, printable(code));
      }
    }
    this.silenced = new Set(silence);
  }

  /** Examines the app, logs each warning that is not silenced, once, and returns them. */
  async examine(subject: DoctorSubject): Promise<SseWarning[]> {
    if (!this.enabled) return [];
    const found = (await findWarnings(subject)).filter((warning) => !this.silenced.has(warning.code));
    for (const warning of found) logger.warn(`${warning.message} (silence: doctor: { silence: ['${warning.code}'] })`);
    return found;
  }
}

/** Every warning that applies, in the order of docs/ERRORS.md. */
export async function findWarnings(subject: DoctorSubject): Promise<SseWarning[]> {
  const { routes } = subject;
  const found: SseWarning[] = [];
  if (routes.length > 0) {
    found.push(...(await middlewareWarnings(subject, COMPRESSOR, 'GET', compressionWarning)));
    if (subject.server !== 'http2') found.push(Warnings.SSE_HTTP1_ONLY(subject.server, routes.length));
    found.push(...heartbeatWarnings(subject), ...retryWarnings(subject));
    found.push(...(await middlewareWarnings(subject, CORS_MIDDLEWARE, 'OPTIONS', corsWarning)));
  }
  for (const dashboard of subject.dashboards) if (!dashboard.guarded) found.push(Warnings.SSE_DASHBOARD_OPEN(dashboard.path));
  return found;
}

function describeRoute(route: SseRouteInfo): string {
  return `GET ${route.paths[0] ?? '?'} (${route.owner})`;
}

/**
 * A route's heartbeat lets a stream be silent for up to twice its interval;
 * past the idle timeout of common proxies (60 s), they cut it. Routes on the
 * app's setting are reported once, as that setting.
 */
function heartbeatWarnings({ routes, defaults }: DoctorSubject): SseWarning[] {
  const tooLong = (heartbeat: number | false) => heartbeat === false || 2 * heartbeat > PROXY_IDLE_TIMEOUT_MS;
  const found: SseWarning[] = [];
  const onDefault = routes.filter((route) => route.limits.heartbeat === defaults.heartbeat);
  if (onDefault.length > 0 && tooLong(defaults.heartbeat)) {
    found.push(
      Warnings.SSE_HEARTBEAT_LONG(`the app's sse.heartbeat (used by ${onDefault.length} SSE route${onDefault.length === 1 ? '' : 's'})`, defaults.heartbeat),
    );
  }
  for (const route of routes) {
    if (route.limits.heartbeat !== defaults.heartbeat && tooLong(route.limits.heartbeat)) {
      found.push(Warnings.SSE_HEARTBEAT_LONG(`@Sse() on ${describeRoute(route)}`, route.limits.heartbeat));
    }
  }
  return found;
}

/** The longest `retry:` the app sends on shutdown, against the shortest heartbeat of its routes. */
function retryWarnings({ routes, defaults }: DoctorSubject): SseWarning[] {
  const retryMax = 2 * defaults.shutdownRetry;
  let shortest: SseRouteInfo | undefined;
  for (const route of routes) {
    const heartbeat = route.limits.heartbeat;
    if (heartbeat !== false && (shortest === undefined || heartbeat < (shortest.limits.heartbeat as number))) shortest = route;
  }
  if (shortest === undefined || retryMax <= (shortest.limits.heartbeat as number)) return [];
  return [Warnings.SSE_RETRY_LONG(retryMax, describeRoute(shortest), shortest.limits.heartbeat as number)];
}

type MiddlewareCheck = (fn: Middleware, url: string) => Promise<((name: string, routes: string) => SseWarning) | undefined>;

const compressionWarning: MiddlewareCheck = async (fn, url) =>
  (await probeCompression(fn, url)) === undefined ? undefined : (name, routes) => Warnings.SSE_COMPRESSION(name, routes);

const corsWarning: MiddlewareCheck = async (fn, url) => {
  const answer = await probePreflight(fn, url);
  return answer === undefined || answer.allowed ? undefined : (name, routes) => Warnings.SSE_CORS_LAST_EVENT_ID(name, routes, answer.allowHeaders);
};

/**
 * Probes each middleware in front of an SSE route whose function name
 * matches `name`, once per route; one warning per middleware, naming the
 * routes where it misbehaves.
 */
async function middlewareWarnings(subject: DoctorSubject, name: string | RegExp, method: string, check: MiddlewareCheck): Promise<SseWarning[]> {
  const matches = (fn: Middleware) => (typeof name === 'string' ? fn.name === name : name.test(fn.name));
  const faulty = new Map<Middleware, { routes: string[]; make: (name: string, routes: string) => SseWarning }>();
  for (const route of subject.routes) {
    const path = route.paths[0];
    if (path === undefined) continue;
    const url = sampleUrl(path);
    for (const fn of subject.middleware.covering(url, method)) {
      if (!matches(fn)) continue;
      const make = await check(fn, url);
      if (!make) continue;
      const entry = faulty.get(fn) ?? { routes: [], make };
      entry.routes.push(describeRoute(route));
      faulty.set(fn, entry);
    }
  }
  return [...faulty].map(([fn, { routes, make }]) => make(fn.name || '(anonymous)', routes.join(', ')));
}

/** A URL the route pattern matches, for asking the middleware about it: each parameter or wildcard becomes `1`. */
function sampleUrl(pattern: string): string {
  return pattern.replace(/:[^/]+/g, '1').replace(/\*/g, '1');
}
