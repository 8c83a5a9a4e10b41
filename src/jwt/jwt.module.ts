import { Module } from '../common/module.decorator.js';
import type { DynamicModule, Provider } from '../common/types.js';
import { Errors } from '../errors.js';
import { JWT_MODULE_OPTIONS } from './jwt.constants.js';
import type { JwtModuleAsyncOptions, JwtModuleOptions, JwtOptionsFactory } from './jwt.interfaces.js';
import { JwtService } from './jwt.service.js';

/**
 * @nestjs/jwt's module: `JwtModule.register({ secret, signOptions })` or
 * `registerAsync({ useFactory, inject })`, with `global` to provide
 * `JwtService` everywhere.
 */
@Module({ providers: [JwtService], exports: [JwtService] })
export class JwtModule {
  static register(options: JwtModuleOptions): DynamicModule {
    return { module: JwtModule, global: options.global, providers: [{ provide: JWT_MODULE_OPTIONS, useValue: options }] };
  }

  static registerAsync(options: JwtModuleAsyncOptions): DynamicModule {
    return {
      module: JwtModule,
      global: options.global,
      imports: options.imports ?? [],
      providers: [...asyncProviders(options), ...(options.extraProviders ?? [])],
    };
  }
}

function asyncProviders(options: JwtModuleAsyncOptions): Provider[] {
  if (typeof options?.useFactory === 'function') return [{ provide: JWT_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }];
  const factory = options?.useExisting ?? options?.useClass;
  if (typeof factory !== 'function') throw Errors.INVALID_MODULE_OPTIONS('JwtModule.registerAsync()', 'give useFactory (with inject), useClass or useExisting');
  const own: Provider = { provide: JWT_MODULE_OPTIONS, useFactory: (made: JwtOptionsFactory) => made.createJwtOptions(), inject: [factory] };
  return options.useExisting !== undefined ? [own] : [own, { provide: factory, useClass: factory }];
}
