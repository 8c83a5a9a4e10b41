import { randomUUID } from 'node:crypto';
import { Errors } from '../errors.js';
import type { DynamicModule, FactoryProvider, InjectionToken, ModuleMetadata, Provider, Type } from './types.js';

/**
 * ConfigurableModuleBuilder, as in NestJS: it writes the static methods of a
 * dynamic module (`register`/`registerAsync`, or the names you set) that put
 * the module's options behind one token, given as they are, or made by a
 * factory, a class or an existing provider.
 *
 * ```ts
 * export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } =
 *   new ConfigurableModuleBuilder<ConfigModuleOptions>().setClassMethodName('forRoot').build();
 * @Module({ providers: [ConfigService], exports: [ConfigService] })
 * export class ConfigModule extends ConfigurableModuleClass {}
 * // ConfigService: constructor(@Inject(MODULE_OPTIONS_TOKEN) options: ConfigModuleOptions)
 * ```
 */

export interface ConfigurableModuleBuilderOptions {
  /** The token of the options provider; by default a unique string, or `<NAME>_MODULE_OPTIONS` from `moduleName`. */
  optionsInjectionToken?: string | symbol;
  /** `'Config'` makes the token `CONFIG_MODULE_OPTIONS`. */
  moduleName?: string;
  /** Every call of the static methods makes a module of its own, whatever the options. */
  alwaysTransient?: boolean;
}

/** What a `useClass` or `useExisting` options factory implements: `create()` by default (see setFactoryMethodName). */
export type ConfigurableModuleOptionsFactory<ModuleOptions, FactoryClassMethodKey extends string> = Record<
  `${FactoryClassMethodKey}`,
  () => Promise<ModuleOptions> | ModuleOptions
>;

/** The argument of `registerAsync()` (or its set name). */
export interface ConfigurableModuleAsyncOptions<ModuleOptions, FactoryClassMethodKey extends string = 'create'> extends Pick<ModuleMetadata, 'imports'> {
  /** An existing provider (visible through `imports`) that makes the options. */
  useExisting?: Type<ConfigurableModuleOptionsFactory<ModuleOptions, FactoryClassMethodKey>>;
  /** A class, made a provider of the module, that makes the options. */
  useClass?: Type<ConfigurableModuleOptionsFactory<ModuleOptions, FactoryClassMethodKey>>;
  /** A function that makes the options (or a Promise of them), given the `inject` tokens. */
  useFactory?: (...args: any[]) => Promise<ModuleOptions> | ModuleOptions;
  inject?: FactoryProvider['inject'];
  /** Providers of a parent module to copy in, those (and what they need) that `inject` names. */
  provideInjectionTokensFrom?: Provider[];
}

/** The class to extend: static methods named `MethodKey` and `${MethodKey}Async`. */
export type ConfigurableModuleCls<
  ModuleOptions,
  MethodKey extends string = 'register',
  FactoryClassMethodKey extends string = 'create',
  ExtraModuleDefinitionOptions = {},
> = { new (): any } & Record<`${MethodKey}`, (options: ModuleOptions & Partial<ExtraModuleDefinitionOptions>) => DynamicModule> &
  Record<
    `${MethodKey}Async`,
    (options: ConfigurableModuleAsyncOptions<ModuleOptions, FactoryClassMethodKey> & Partial<ExtraModuleDefinitionOptions>) => DynamicModule
  >;

/** What `build()` gives. OPTIONS_TYPE and ASYNC_OPTIONS_TYPE are for `typeof` only. */
export interface ConfigurableModuleHost<
  ModuleOptions = Record<string, unknown>,
  MethodKey extends string = string,
  FactoryClassMethodKey extends string = string,
  ExtraModuleDefinitionOptions = {},
> {
  ConfigurableModuleClass: ConfigurableModuleCls<ModuleOptions, MethodKey, FactoryClassMethodKey, ExtraModuleDefinitionOptions>;
  MODULE_OPTIONS_TOKEN: string | symbol;
  ASYNC_OPTIONS_TYPE: ConfigurableModuleAsyncOptions<ModuleOptions, FactoryClassMethodKey> & Partial<ExtraModuleDefinitionOptions>;
  OPTIONS_TYPE: ModuleOptions & Partial<ExtraModuleDefinitionOptions>;
}

type Transform<Extras> = (definition: DynamicModule, extras: Extras) => DynamicModule;

/** With alwaysTransient, a provider under this token makes each module unique. */
const CONFIGURABLE_MODULE_ID = 'CONFIGURABLE_MODULE_ID';

export class ConfigurableModuleBuilder<
  ModuleOptions,
  StaticMethodKey extends string = 'register',
  FactoryClassMethodKey extends string = 'create',
  ExtraModuleDefinitionOptions = {},
> {
  protected staticMethodKey = 'register' as StaticMethodKey;
  protected factoryClassMethodKey = 'create' as FactoryClassMethodKey;
  protected extras: ExtraModuleDefinitionOptions | undefined;
  protected transformModuleDefinition: Transform<ExtraModuleDefinitionOptions> = (definition) => definition;

  constructor(
    protected readonly options: ConfigurableModuleBuilderOptions = {},
    parent?: ConfigurableModuleBuilder<ModuleOptions, any, any, any>,
  ) {
    if (parent) {
      this.staticMethodKey = parent.staticMethodKey;
      this.factoryClassMethodKey = parent.factoryClassMethodKey;
      this.extras = parent.extras;
      this.transformModuleDefinition = parent.transformModuleDefinition;
    }
  }

  /**
   * Extra options of the static methods, with their defaults, that shape the
   * module definition rather than the options provider:
   * `.setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))`.
   */
  setExtras<Extras>(extras: Extras, transform: Transform<Extras> = (definition) => definition) {
    const builder = new ConfigurableModuleBuilder<ModuleOptions, StaticMethodKey, FactoryClassMethodKey, Extras>(this.options, this);
    builder.extras = extras;
    builder.transformModuleDefinition = transform;
    return builder;
  }

  /** The name of the static method (`forRoot`, `forFeature`…); the async one is the name with `Async`. Default `register`. */
  setClassMethodName<Key extends string>(key: Key) {
    const builder = new ConfigurableModuleBuilder<ModuleOptions, Key, FactoryClassMethodKey, ExtraModuleDefinitionOptions>(this.options, this);
    builder.staticMethodKey = key;
    return builder;
  }

  /** The method a `useClass`/`useExisting` options factory implements. Default `create`. */
  setFactoryMethodName<Key extends string>(key: Key) {
    const builder = new ConfigurableModuleBuilder<ModuleOptions, StaticMethodKey, Key, ExtraModuleDefinitionOptions>(this.options, this);
    builder.factoryClassMethodKey = key;
    return builder;
  }

  build(): ConfigurableModuleHost<ModuleOptions, StaticMethodKey, FactoryClassMethodKey, ExtraModuleDefinitionOptions> {
    for (const key of [this.staticMethodKey, this.factoryClassMethodKey]) {
      if (typeof key !== 'string' || key === '')
        throw Errors.INVALID_MODULE_OPTIONS('ConfigurableModuleBuilder', `a method name must be a non-empty string, got ${String(key)}`);
    }
    this.options.optionsInjectionToken ??= this.options.moduleName
      ? `${this.options.moduleName
          .trim()
          .split(/(?=[A-Z])/)
          .join('_')
          .toUpperCase()}_MODULE_OPTIONS`
      : `CONFIGURABLE_MODULE_OPTIONS[${randomUUID()}]`;
    return {
      ConfigurableModuleClass: this.createModuleClass() as any,
      MODULE_OPTIONS_TOKEN: this.options.optionsInjectionToken,
      ASYNC_OPTIONS_TYPE: typeOnly('ASYNC_OPTIONS_TYPE'),
      OPTIONS_TYPE: typeOnly('OPTIONS_TYPE'),
    };
  }

  private createModuleClass(): Type {
    const { staticMethodKey: method, factoryClassMethodKey: factoryMethod, extras, transformModuleDefinition: transform } = this;
    const token = this.options.optionsInjectionToken!;
    const alwaysTransient = this.options.alwaysTransient === true;
    const uniqueness = (): Provider[] => (alwaysTransient ? [{ provide: CONFIGURABLE_MODULE_ID, useValue: randomUUID() }] : []);

    class ConfigurableModule {}
    Object.defineProperty(ConfigurableModule, method, {
      configurable: true,
      writable: true,
      value: function register(this: Type, options: ModuleOptions & Partial<ExtraModuleDefinitionOptions>): DynamicModule {
        const providers: Provider[] = [{ provide: token, useValue: omitExtras(options, extras) }, ...uniqueness()];
        return transform({ module: this, providers }, { ...extras, ...options } as ExtraModuleDefinitionOptions);
      },
    });
    Object.defineProperty(ConfigurableModule, `${method}Async`, {
      configurable: true,
      writable: true,
      value: function registerAsync(
        this: Type,
        options: ConfigurableModuleAsyncOptions<ModuleOptions, FactoryClassMethodKey> & Partial<ExtraModuleDefinitionOptions>,
      ): DynamicModule {
        const call = `${this.name}.${method}Async()`;
        if (options === null || typeof options !== 'object')
          throw Errors.INVALID_MODULE_OPTIONS(call, 'give { useFactory, inject }, { useClass } or { useExisting }');
        const providers = [...asyncProviders(options, token, factoryMethod, call), ...uniqueness()];
        return transform({ module: this, imports: options.imports ?? [], providers }, { ...extras, ...options } as ExtraModuleDefinitionOptions);
      },
    });
    return ConfigurableModule;
  }
}

/** The options provider (and what it needs) of the async method. */
function asyncProviders(options: ConfigurableModuleAsyncOptions<unknown, string>, token: string | symbol, factoryMethod: string, call: string): Provider[] {
  if (options.useFactory !== undefined) {
    if (typeof options.useFactory !== 'function') throw Errors.INVALID_MODULE_OPTIONS(call, 'useFactory must be a function');
    const own: Provider = { provide: token, useFactory: options.useFactory, inject: options.inject ?? [] };
    return options.inject && options.provideInjectionTokensFrom ? [own, ...neededProviders(options.provideInjectionTokensFrom, options.inject)] : [own];
  }
  const factory = options.useExisting ?? options.useClass;
  if (typeof factory !== 'function') throw Errors.INVALID_MODULE_OPTIONS(call, 'give useFactory (with inject), useClass or useExisting');
  const own: Provider = {
    provide: token,
    inject: [factory],
    useFactory: async (made: Record<string, unknown>) => {
      if (typeof made?.[factoryMethod] !== 'function')
        throw Errors.INVALID_MODULE_OPTIONS(call, `${factory.name} has no ${factoryMethod}() method to make the options`);
      return (made[factoryMethod] as () => unknown)();
    },
  };
  return options.useExisting !== undefined ? [own] : [own, { provide: factory, useClass: factory }];
}

/** The providers among `providers` that `inject` names, and those they inject in turn. */
function neededProviders(providers: Provider[], inject: NonNullable<FactoryProvider['inject']>): Provider[] {
  const tokenOf = (dep: unknown) => (typeof dep === 'object' && dep !== null && 'token' in dep ? (dep as { token: InjectionToken }).token : dep);
  const found: Provider[] = [];
  let wanted = inject.map(tokenOf);
  while (wanted.length > 0) {
    const matches = providers.filter((p) => !found.includes(p) && (wanted.includes(p) || (typeof p === 'object' && wanted.includes(p.provide))));
    found.push(...matches);
    wanted = matches.flatMap((p) => (typeof p === 'object' && 'inject' in p && p.inject ? p.inject.map(tokenOf) : []));
  }
  return found;
}

function omitExtras<T>(options: T, extras: unknown): T {
  if (extras === undefined || extras === null) return options;
  const keys = new Set(Object.keys(extras as object));
  return Object.fromEntries(Object.entries(options ?? {}).filter(([key]) => !keys.has(key))) as T;
}

/** OPTIONS_TYPE and ASYNC_OPTIONS_TYPE exist for `typeof`; reading them as values is a mistake, said clearly. */
function typeOnly(name: string): any {
  return new Proxy(
    {},
    {
      get(_target, key) {
        // Inspection (util.inspect, await) asks for symbols and `then`: answer those quietly.
        if (typeof key === 'symbol' || key === 'then') return undefined;
        throw Errors.TYPE_ONLY(name);
      },
    },
  );
}
