import { ConfigurableModuleBuilder } from '../common/configurable-module-builder.js';
import { Module } from '../common/module.decorator.js';
import { Cache, type CacheOptions } from './cache.js';
import { CACHE_MANAGER } from './cache.constants.js';

/** The options of `CacheModule.register()`: the cache's, and `isGlobal` to provide it to every module. */
export interface CacheModuleOptions extends CacheOptions {
  isGlobal?: boolean;
}

/** What a `useClass` or `useExisting` factory of `registerAsync()` implements. */
export interface CacheOptionsFactory {
  createCacheOptions(): CacheOptions | Promise<CacheOptions>;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<CacheOptions>({ moduleName: 'Cache' })
  .setClassMethodName('register')
  .setFactoryMethodName('createCacheOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** The token of the options given to `register()` or made by `registerAsync()`. */
export const CACHE_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/** The argument of `CacheModule.registerAsync()`: `useFactory` with `inject` and `imports`, `useClass` or `useExisting`, and `isGlobal`. */
export type CacheModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

/**
 * Provides the `Cache` under CACHE_MANAGER (and under its class), as
 * @nestjs/cache-manager's CacheModule: `register({ ttl, max, stores, isGlobal })`
 * or `registerAsync({ useFactory, inject, imports })`. Its stores connect at
 * start-up, so a Redis that cannot be reached fails there, and disconnect on
 * app.close().
 */
@Module({
  providers: [
    {
      provide: CACHE_MANAGER,
      inject: [MODULE_OPTIONS_TOKEN],
      useFactory: async (options: CacheOptions) => {
        const cache = new Cache(options ?? {});
        await cache.connect();
        return cache;
      },
    },
    { provide: Cache, useExisting: CACHE_MANAGER },
  ],
  exports: [CACHE_MANAGER, Cache],
})
export class CacheModule extends ConfigurableModuleClass {}
