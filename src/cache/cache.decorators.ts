import { SetMetadata } from '../common/enhancer.decorators.js';
import type { ExecutionContext } from '../common/interfaces.js';
import { printable } from '../common/describe.js';
import { Errors } from '../errors.js';
import { CACHE_KEY_METADATA, CACHE_TTL_METADATA } from './cache.constants.js';

/** A route's time to live computed per request. */
export type CacheTTLFactory = (context: ExecutionContext) => number | Promise<number>;

/** The key CacheInterceptor stores this route's answer under, instead of its URL. */
export function CacheKey(key: string) {
  if (typeof key !== 'string' || key === '') throw Errors.INVALID_CACHE_OPTION('@CacheKey()', `give a non-empty string, got ${printable(key)}`);
  return SetMetadata(CACHE_KEY_METADATA, key);
}

/** How long CacheInterceptor keeps this route's answer (or, on a controller, each of its routes'), in ms; or a function of the request. */
export function CacheTTL(ttl: number | CacheTTLFactory) {
  if (typeof ttl !== 'function' && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0))
    throw Errors.INVALID_CACHE_OPTION('@CacheTTL()', `give milliseconds (0 or more) or a function of the ExecutionContext, got ${printable(ttl)}`);
  return SetMetadata(CACHE_TTL_METADATA, ttl);
}
