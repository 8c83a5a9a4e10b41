/// <reference types="node" preserve="true" />
import cors from 'cors';
import type { Middleware } from '../common/interfaces.js';
import { Errors } from '../errors.js';

/** An origin setting that does not depend on the request: `true` reflects the request's origin, `false` turns CORS off. */
export type CorsStaticOrigin = boolean | string | RegExp | Array<boolean | string | RegExp>;

/** Decides per request: call `callback(null, allowed)` with a static setting for this origin. */
export type CorsCustomOrigin = (requestOrigin: string | undefined, callback: (err: Error | null, origin?: CorsStaticOrigin) => void) => void;

/**
 * The options of the `cors` package, declared here so that the published
 * types do not depend on `@types/cors` (which is not a dependency).
 */
export interface CorsOptions {
  /** Which origins may read the response. Default `'*'`. */
  origin?: CorsStaticOrigin | CorsCustomOrigin | undefined;
  /** Default `'GET,HEAD,PUT,PATCH,POST,DELETE'`. */
  methods?: string | string[] | undefined;
  /** Default: the headers the preflight asks for. `Last-Event-ID` is always added. */
  allowedHeaders?: string | string[] | undefined;
  exposedHeaders?: string | string[] | undefined;
  credentials?: boolean | undefined;
  /** Seconds a preflight answer may be cached. */
  maxAge?: number | undefined;
  /** Pass the preflight on to the next handler instead of answering it. Default `false`. */
  preflightContinue?: boolean | undefined;
  /** The status of a successful preflight answer. Default `204`. */
  optionsSuccessStatus?: number | undefined;
}
type OriginSetting = NonNullable<CorsOptions['origin']>;
type CustomOrigin = Extract<OriginSetting, Function>;
type OriginDecision = Exclude<OriginSetting, Function> | undefined;

/**
 * CORS middleware for `app.use(CORS(options))`, on the widely used `cors`
 * package and with its options, made safe for credentialed event streams:
 * - a preflight asking for `Last-Event-ID` is always allowed, so a
 *   cross-origin EventSource can resume;
 * - `credentials: true` needs an explicit `origin` (a string, a list, a
 *   RegExp or a function). Without one, or with `true` or `'*'`, it refuses to
 *   start (`SN_ERR_CORS_CREDENTIALS_ORIGIN`): reflecting every origin would let
 *   any site read a cookie-authenticated stream;
 * - the origin `null` (sandboxed iframes, `file:` pages, some redirects) is
 *   never allowed by `true`, a RegExp or a function answering `true`, only when
 *   `'null'` is listed by name.
 */
export function CORS(options: CorsOptions = {}): Middleware {
  const resolved: CorsOptions = { ...options };
  if (resolved.credentials === true) checkCredentialedOrigin(resolved.origin);
  if (resolved.origin !== undefined && resolved.origin !== false && resolved.origin !== '*') resolved.origin = withoutNullOrigin(resolved.origin);
  if (resolved.allowedHeaders !== undefined) resolved.allowedHeaders = withLastEventId(resolved.allowedHeaders);
  return cors(resolved) as Middleware;
}

function checkCredentialedOrigin(origin: CorsOptions['origin']): void {
  if (origin === undefined || origin === true || origin === '*') {
    throw Errors.CORS_CREDENTIALS_ORIGIN(origin === undefined ? '(none)' : JSON.stringify(origin));
  }
}

/** Wraps any origin setting so that the request origin `null` passes only when listed by name. */
function withoutNullOrigin(origin: OriginSetting): CustomOrigin {
  const decide = (requestOrigin: string | undefined, allowed: OriginDecision): OriginDecision =>
    requestOrigin === 'null' && !namesNull(allowed) ? false : allowed;
  if (typeof origin === 'function') {
    return (requestOrigin, callback) => {
      origin(requestOrigin, (error, allowed) => (error ? callback(error) : callback(null, decide(requestOrigin, allowed))));
    };
  }
  return (requestOrigin, callback) => callback(null, decide(requestOrigin, origin));
}

function namesNull(allowed: OriginDecision): boolean {
  return allowed === 'null' || (Array.isArray(allowed) && allowed.includes('null'));
}

function withLastEventId(headers: string | string[]): string[] {
  const list =
    typeof headers === 'string'
      ? headers
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean)
      : [...headers];
  if (!list.some((h) => h.toLowerCase() === 'last-event-id')) list.push('Last-Event-ID');
  return list;
}

export default CORS;
