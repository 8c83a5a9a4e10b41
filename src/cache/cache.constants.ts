/** The token of the `Cache` service, as in @nestjs/cache-manager: `@Inject(CACHE_MANAGER) cache: Cache`. */
export const CACHE_MANAGER = 'CACHE_MANAGER';
/** Where `@CacheKey()` records a route's own key. */
export const CACHE_KEY_METADATA = 'cache_module:cache_key';
/** Where `@CacheTTL()` records a route's (or a controller's) time to live. */
export const CACHE_TTL_METADATA = 'cache_module:cache_ttl';
