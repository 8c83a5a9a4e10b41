/// <reference types="node" preserve="true" />
/**
 * streamnest/cache: @nestjs/cache-manager's API. CacheModule, the Cache service
 * (CACHE_MANAGER), CacheInterceptor with @CacheKey and @CacheTTL, and two stores:
 * MemoryStore (bounded by entries, on lru-cache) and RedisStore (needs the
 * optional peer dependency `ioredis`).
 */
export { CACHE_KEY_METADATA, CACHE_MANAGER, CACHE_TTL_METADATA } from './cache.constants.js';
export { Cache, createCache, type CacheOptions, type CacheTtl } from './cache.js';
export { CACHE_MODULE_OPTIONS, CacheModule, type CacheModuleAsyncOptions, type CacheModuleOptions, type CacheOptionsFactory } from './cache.module.js';
export { CacheInterceptor } from './cache.interceptor.js';
export { CacheKey, CacheTTL, type CacheTTLFactory } from './cache.decorators.js';
export type { CacheStore } from './cache-store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export type { RedisClientLike } from '../common/redis-client.js';
