import { Inject, Injectable } from '../common/injectable.decorator.js';
import { Reflector } from '../common/reflector.js';
import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import { isStreamedResult } from '../common/streamed-result.js';
import type { CallHandler, ExecutionContext, NestInterceptor } from '../common/interfaces.js';
import { Cache } from './cache.js';
import { CACHE_KEY_METADATA, CACHE_MANAGER, CACHE_TTL_METADATA } from './cache.constants.js';
import type { CacheTTLFactory } from './cache.decorators.js';
import { cacheRoute } from './cache-route.js';

/** At most one warning per this many ms when the store fails, so a Redis outage does not flood the log. */
const WARN_EVERY_MS = 10_000;

interface ResponseView {
  statusCode: number;
  headersSent: boolean;
  writableEnded: boolean;
  getHeader(name: string): unknown;
}

/**
 * Answers GET requests from the cache, as @nestjs/cache-manager's
 * CacheInterceptor: the key is the route's `@CacheKey()` or the request's
 * canonical URL (query string included), kept for the route's `@CacheTTL()`
 * or the module's `ttl`. What it caches is the handler's value, so the
 * route's status and headers decorators apply on a hit as on a miss.
 *
 * It never caches: an SSE route; a handler that writes the response itself;
 * a stream, a StreamableFile or bytes; an error; a status outside 2xx; a
 * response that sets a cookie. The key names the host on host-routed
 * controllers and the version on versioned routes. It is shared by every
 * client: for answers that depend on who asks, override `trackBy()`.
 *
 * The cache is best effort here: a store that fails (Redis down) is logged
 * and the handler answers.
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  /** GET only, as Nest's: a HEAD runs the handler. A subclass may widen it. */
  protected allowedMethods = ['GET'];
  private readonly logger = new Logger('CacheInterceptor');
  private lastWarning = 0;

  constructor(
    @Inject(CACHE_MANAGER) protected readonly cacheManager: Cache,
    protected readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): any {
    const route = cacheRoute(context.getClass(), context.getHandler());
    // Nothing is awaited on these, so an SSE route's stream goes on untouched.
    if (route.streams || route.ownsResponse) return next.handle();
    const key = this.trackBy(context);
    if (key === undefined) return next.handle();
    return this.answer(context, next, key);
  }

  /** The key of this request, or undefined to leave it alone. Override it to key by user, tenant, language… */
  protected trackBy(context: ExecutionContext): string | undefined {
    if (!this.isRequestCacheable(context)) return undefined;
    const own = this.reflector.get<string | undefined>(CACHE_KEY_METADATA, context.getHandler());
    if (own !== undefined) return own;
    const req = context.switchToHttp().getRequest<{ url?: string; headers: Record<string, string | string[] | undefined> }>();
    const route = cacheRoute(context.getClass(), context.getHandler());
    const host = route.hostRouted ? `//${String(req.headers.host ?? '').toLowerCase()}` : '';
    const version = route.version === undefined ? '' : `#version=${route.version}`;
    return `${host}${req.url ?? '/'}${version}`;
  }

  protected isRequestCacheable(context: ExecutionContext): boolean {
    return this.allowedMethods.includes(context.switchToHttp().getRequest<{ method?: string }>().method ?? '');
  }

  private async answer(context: ExecutionContext, next: CallHandler, key: string): Promise<unknown> {
    try {
      const cached = await this.cacheManager.get(key);
      if (cached !== undefined) return cached;
    } catch (error) {
      this.warn(`reading ${key}`, error);
      return next.handle();
    }
    const ttl = await this.ttlOf(context);
    const value = await next.handle();
    if (cacheable(context.switchToHttp().getResponse<ResponseView>(), value)) {
      // Not awaited: the client need not wait for the store. A value the store refuses is logged.
      this.cacheManager.set(key, value, ttl).catch((error: unknown) => this.warn(`storing ${key}`, error));
    }
    return value;
  }

  private async ttlOf(context: ExecutionContext): Promise<number | undefined> {
    const ttl = this.reflector.getAllAndOverride<number | CacheTTLFactory | undefined>(CACHE_TTL_METADATA, [context.getHandler(), context.getClass()]);
    return typeof ttl === 'function' ? await ttl(context) : ttl;
  }

  private warn(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(`cache failed ${what}, answered without it: ${describeThrown(error).message}`);
  }
}

/** Whether an answer may be replayed to others: a plain 2xx value, no cookie set, nothing written by the handler itself. */
function cacheable(res: ResponseView, value: unknown): boolean {
  if (value === undefined || res.headersSent || res.writableEnded) return false;
  if (res.statusCode < 200 || res.statusCode > 299) return false;
  if (res.getHeader('set-cookie') !== undefined) return false;
  return !isStreamedResult(value);
}
