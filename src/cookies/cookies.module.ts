import { ConfigurableModuleBuilder } from '../common/configurable-module-builder.js';
import { Inject } from '../common/injectable.decorator.js';
import type { MiddlewareConsumer, NestModule } from '../common/middleware-interfaces.js';
import { Module } from '../common/module.decorator.js';
import { type CookieParserOptions, type CookieSecret, cookieParser } from './cookie-parser.js';

export interface CookiesModuleOptions extends CookieParserOptions {
  /** One secret, or a list: the first signs, any verifies (rotation). Without one, signed cookies are neither read nor written. */
  secret?: CookieSecret;
}

/** The token the module's options are provided under. */
export const COOKIES_MODULE_OPTIONS = 'COOKIES_MODULE_OPTIONS';

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<CookiesModuleOptions>({ optionsInjectionToken: COOKIES_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCookiesOptions')
  // Global, so its middleware runs before that of every other module (global modules' come first).
  .setExtras({}, (definition) => ({ ...definition, global: true }))
  .build();

/**
 * Cookies for the whole app: `CookiesModule.forRoot({ secret })`, or
 * `forRootAsync({ useFactory, inject })` to take the secrets from
 * configuration. It mounts `cookieParser(secret, options)` on every route, as
 * module middleware, so guards, pipes and `@Cookies()`/`@SignedCookies()` see
 * the cookies, and `res.cookie()` gets the safe defaults.
 */
@Module({})
export class CookiesModule extends ConfigurableModuleClass implements NestModule {
  constructor(@Inject(COOKIES_MODULE_OPTIONS) private readonly options: CookiesModuleOptions) {
    super();
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(cookieParser(this.options.secret, this.options)).forRoutes('*');
  }
}
