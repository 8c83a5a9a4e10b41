import { Module } from '../common/module.decorator.js';
import { Logger, type LoggerService } from '../common/logger.js';
import type { DynamicModule, InjectionToken, ModuleMetadata, Type } from '../common/types.js';
import { isForwardReference } from '../common/forward-ref.js';
import { Container } from '../di/container.js';
import { scanModules, type ModuleReplacements, type ProviderDefinition } from '../di/module-graph.js';
import { NestApplication, isApplicationOptions, type ApplicationOptions } from '../platform/application.js';
import { NestApplicationContext } from '../platform/application-context.js';
import { platformValues } from '../platform/platform-values.js';

/** A provider definition before it is given its token. */
type Replacement = ProviderDefinition extends infer D ? (D extends unknown ? Omit<D, 'token'> : never) : never;

/** What useMocker() is given, as NestJS names it. */
export type MockFactory = (token?: InjectionToken) => any;

/** The options of overrideProvider().useFactory(), as NestJS names them. */
export interface OverrideByFactoryOptions {
  factory: (...args: any[]) => any;
  inject?: InjectionToken[];
}

/** Accepted by Test.createTestingModule() for NestJS compatibility: modules are told apart by reference here. */
export interface TestingModuleOptions {
  moduleIdGeneratorAlgorithm?: 'deep-hash' | 'reference';
}

/** As in NestJS, a replacement need not have the replaced class's type: a partial mock is the usual case. */
export interface OverrideBy {
  useValue(value: any): TestingModuleBuilder;
  useClass(type: Type): TestingModuleBuilder;
  useFactory(options: { factory: (...args: any[]) => unknown; inject?: InjectionToken[] }): TestingModuleBuilder;
}

export interface OverrideModule {
  useModule(replacement: Type | DynamicModule): TestingModuleBuilder;
}

/**
 * `Test.createTestingModule(metadata)`: the application's module graph, with
 * providers, guards, interceptors, pipes, filters and whole modules replaced
 * before anything is built, as in NestJS.
 */
export class TestingModuleBuilder {
  private readonly overrides = new Map<InjectionToken, Replacement>();
  private readonly modules: ModuleReplacements = new Map();
  private mocker: ((token: InjectionToken) => unknown) | undefined;
  private logger: LoggerService | undefined;

  constructor(private readonly metadata: ModuleMetadata) {}

  /** Replaces a provider, wherever it is declared. */
  overrideProvider(token: InjectionToken): OverrideBy {
    return this.override(token);
  }
  /** Replaces a guard given as a class to @UseGuards (or declared as a provider). */
  overrideGuard(type: InjectionToken): OverrideBy {
    return this.override(type);
  }
  overrideInterceptor(type: InjectionToken): OverrideBy {
    return this.override(type);
  }
  overridePipe(type: InjectionToken): OverrideBy {
    return this.override(type);
  }
  overrideFilter(type: InjectionToken): OverrideBy {
    return this.override(type);
  }

  /** Replaces a module wherever it is imported. */
  overrideModule(module: Type | DynamicModule): OverrideModule {
    return {
      useModule: (replacement) => {
        this.modules.set(module, replacement);
        return this;
      },
    };
  }

  /** Makes a stand-in for every dependency nothing provides, as NestJS's useMocker (with jest-mock or @golevelup/ts-jest, say). */
  useMocker(mocker: (token: InjectionToken | undefined) => unknown): this {
    this.mocker = mocker;
    return this;
  }

  private override(token: InjectionToken): OverrideBy {
    const set = (replacement: Replacement): TestingModuleBuilder => {
      this.overrides.set(token, replacement);
      return this;
    };
    return {
      useValue: (value) => set({ kind: 'value', useValue: value }),
      useClass: (type) => set({ kind: 'class', useClass: type }),
      useFactory: (options) =>
        set({
          kind: 'factory',
          useFactory: options.factory,
          inject: (options.inject ?? []).map((t) =>
            isForwardReference(t) ? { token: t.forwardRef(), optional: false, forward: true } : { token: t, optional: false },
          ),
        }),
    };
  }

  /** The logger of the compiled module and its applications, as NestJS's setLogger(). */
  setLogger(logger: LoggerService): this {
    this.logger = logger;
    return this;
  }

  /** `options` (NestJS's `snapshot`, `preview`) is accepted and ignored. */
  async compile(_options?: Record<string, unknown>): Promise<TestingModule> {
    if (this.logger) Logger.configure(this.logger);
    @Module(this.metadata)
    class RootTestModule {}
    const modules = await scanModules(RootTestModule, this.modules);
    const definitions = new Map<InjectionToken, ProviderDefinition>();
    for (const [token, replacement] of this.overrides) definitions.set(token, { ...replacement, token } as ProviderDefinition);
    for (const module of modules) {
      for (const [key, def] of module.providers) {
        const replacement = definitions.get(def.token);
        if (replacement) module.providers.set(key, replacement);
      }
    }
    const container = new Container(modules, { overrides: definitions, mocker: this.mocker, platformValues: platformValues() });
    await container.buildAll();
    return new TestingModule(container, this.logger);
  }
}

/** A compiled testing module: get instances from it, or make an application of it. */
export class TestingModule extends NestApplicationContext {
  private app: NestApplication | undefined;

  constructor(
    container: Container,
    private readonly appLogger?: LoggerService,
  ) {
    super(container);
  }

  /**
   * An application over this module, as in NestJS: `await app.init()` then
   * `request(app.getHttpServer())` (supertest), or `await app.listen(0)` for a real port.
   * A NestJS HTTP adapter passed first is ignored: streamnest has its own server.
   */
  createNestApplication<T extends NestApplication = NestApplication>(adapterOrOptions?: unknown, maybeOptions?: ApplicationOptions): T {
    const options = (maybeOptions ?? (isApplicationOptions(adapterOrOptions) ? adapterOrOptions : {})) as ApplicationOptions;
    Logger.configure(options.logger ?? this.appLogger ?? false);
    this.app = new NestApplication(this.container, options);
    return this.app as T;
  }

  override close(signal?: string): Promise<void> {
    return this.app ? this.app.close(signal) : super.close(signal);
  }
}

export const Test = {
  createTestingModule(metadata: ModuleMetadata, _options?: TestingModuleOptions): TestingModuleBuilder {
    return new TestingModuleBuilder(metadata);
  },
};
