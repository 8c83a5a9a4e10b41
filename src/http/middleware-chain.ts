import type { Middleware, Request, Response } from '../common/interfaces.js';
import { Errors } from '../errors.js';
import { canonicalPrefix, mountView } from './request-target.js';

interface Mounted {
  prefix: string;
  fn: Middleware;
  /** Instead of a prefix: a test of the whole URL (as `mountView` sees it too) and method; the middleware then sees the URL whole. */
  applies?: (url: string, mounted: string, method: string) => boolean;
}

/**
 * Runs connect-style middleware in order, as Express does: a middleware mounted
 * at a prefix sees `req.url` with the prefix removed, and `next(err)` or a throw
 * (sync or async) ends the chain with that error.
 */
export class MiddlewareChain {
  private readonly entries: Mounted[] = [];

  get size(): number {
    return this.entries.length;
  }

  /**
   * Mounts `fn` under `prefix`, written in the canonical form request URLs are
   * brought to (see request-target.ts), so `/admin` also guards `/%61dmin`,
   * `//admin` and `/x/../admin`, and `/café` matches `/caf%C3%A9`.
   */
  use(prefix: string, fn: Middleware): void {
    if (typeof fn !== 'function') throw Errors.INVALID_MIDDLEWARE(typeof fn);
    const canonical = typeof prefix === 'string' ? canonicalPrefix(prefix) : undefined;
    if (canonical === undefined) throw Errors.INVALID_MOUNT_PATH(prefix);
    this.entries.push({ prefix: canonical, fn });
  }

  /** Adds `fn` for the requests `applies` accepts: middleware from modules' `configure()` (module-middleware.ts). */
  useWhen(applies: NonNullable<Mounted['applies']>, fn: Middleware): void {
    if (typeof fn !== 'function') throw Errors.INVALID_MIDDLEWARE(typeof fn);
    this.entries.push({ prefix: '', fn, applies });
  }

  /**
   * The middleware a request for `url` (canonical) with `method` would pass
   * through, in order: for the start-up checks of the SSE doctor, never per request.
   */
  covering(url: string, method: string): Middleware[] {
    const mounted = mountView(url);
    return this.entries
      .filter(({ prefix, applies }) => (applies !== undefined ? applies(url, mounted, method) : prefix === '' || strip(mounted, prefix) !== undefined))
      .map(({ fn }) => fn);
  }

  run(req: Request, res: Response, done: (error?: unknown) => void): void {
    const entries = this.entries;
    const originalUrl = req.url ?? '/';
    req.originalUrl ??= originalUrl;
    const mounted = mountView(originalUrl);
    let index = 0;
    const next = (error?: unknown): void => {
      req.url = originalUrl;
      if (error !== undefined && error !== null && error !== 'route') {
        done(error);
        return;
      }
      while (index < entries.length) {
        const { prefix, fn, applies } = entries[index++]!;
        const rest =
          applies !== undefined
            ? applies(originalUrl, mounted, req.method ?? 'GET')
              ? originalUrl
              : undefined
            : prefix === ''
              ? originalUrl
              : strip(mounted, prefix);
        if (rest === undefined) continue;
        req.url = rest;
        try {
          const result = fn(req, res, next);
          // A rejection with no reason is still a failure: `next()` alone would carry on past, say, an auth check.
          if (result && typeof (result as Promise<unknown>).catch === 'function') {
            (result as Promise<unknown>).catch((reason) => next(reason ?? Errors.MIDDLEWARE_NO_REASON(nameOf(fn), 'rejected with', reason)));
          }
        } catch (thrown) {
          next(thrown ?? Errors.MIDDLEWARE_NO_REASON(nameOf(fn), 'threw', thrown));
        }
        return;
      }
      done();
    };
    next();
  }
}

/** The URL as a middleware mounted at `prefix` sees it, or undefined when it does not apply. */
function strip(url: string, prefix: string): string | undefined {
  if (!url.startsWith(prefix)) return undefined;
  const rest = url.slice(prefix.length);
  if (rest === '') return '/';
  if (rest[0] === '/') return rest;
  if (rest[0] === '?') return `/${rest}`;
  return undefined;
}

/** How an error names a middleware: its function name, as a stack trace would. */
function nameOf(fn: Middleware): string {
  return fn.name || '(anonymous)';
}
