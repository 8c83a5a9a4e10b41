import { Module } from '../common/module.decorator.js';
import type { DynamicModule, InjectionToken, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '../common/types.js';
import { MULTER_MODULE_OPTIONS } from './multer.constants.js';
import type { MulterModuleOptions } from './multer-options.js';

/** A class that makes MulterModule's options (`useClass`, `useExisting`), as NestJS's. */
export interface MulterOptionsFactory {
  createMulterOptions(): Promise<MulterModuleOptions> | MulterModuleOptions;
}

/** The argument of `MulterModule.registerAsync()`, as NestJS's. */
export interface MulterModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useExisting?: Type<MulterOptionsFactory>;
  useClass?: Type<MulterOptionsFactory>;
  useFactory?: (...args: any[]) => Promise<MulterModuleOptions> | MulterModuleOptions;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  extraProviders?: Provider[];
}

/**
 * Options for every upload interceptor of the modules that import it, as
 * NestJS's MulterModule: `MulterModule.register({ dest: './uploads', limits: { fileSize: 5_000_000 } })`.
 * An interceptor's own options win, key by key.
 */
@Module({})
export class MulterModule {
  static register(options: MulterModuleOptions = {}): DynamicModule {
    return {
      module: MulterModule,
      providers: [{ provide: MULTER_MODULE_OPTIONS, useValue: options }],
      exports: [MULTER_MODULE_OPTIONS],
    };
  }

  static registerAsync(options: MulterModuleAsyncOptions): DynamicModule {
    return {
      module: MulterModule,
      imports: options.imports ?? [],
      providers: [...asyncProviders(options), ...(options.extraProviders ?? [])],
      exports: [MULTER_MODULE_OPTIONS],
    };
  }
}

function asyncProviders(options: MulterModuleAsyncOptions): Provider[] {
  if (options.useFactory) return [{ provide: MULTER_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }];
  const factory = (options.useExisting ?? options.useClass)!;
  const fromFactory: Provider = {
    provide: MULTER_MODULE_OPTIONS,
    useFactory: (made: MulterOptionsFactory) => made.createMulterOptions(),
    inject: [factory],
  };
  return options.useClass ? [fromFactory, { provide: options.useClass, useClass: options.useClass }] : [fromFactory];
}
