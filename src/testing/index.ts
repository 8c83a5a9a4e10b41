/// <reference types="node" preserve="true" />
import { Module } from '../common/module.decorator.js';
import type { InjectionToken, ModuleMetadata, Type } from '../common/types.js';
import { Container } from '../di/container.js';
import { callHook } from '../di/lifecycle.js';
import { scanModules, type ProviderDefinition } from '../di/module-graph.js';
import { NestApplication, type ApplicationOptions } from '../platform/application.js';
import { Logger } from '../common/logger.js';

type Override =
  | { kind: 'class'; useClass: Type }
  | { kind: 'value'; useValue: unknown }
  | { kind: 'factory'; useFactory: (...args: any[]) => unknown; inject: Array<{ token: InjectionToken; optional: boolean }> };

export interface OverrideBy<T> {
  /** A stand-in: a partial mock is enough, as in NestJS (`{ findAll: () => ['test'] }` for a whole service). */
  useValue(value: Partial<T>): TestingModuleBuilder;
  useClass(type: Type<T>): TestingModuleBuilder;
  useFactory(options: { factory: (...args: any[]) => T | Promise<T>; inject?: InjectionToken[] }): TestingModuleBuilder;
}

export class TestingModuleBuilder {
  private readonly overrides = new Map<InjectionToken, Override>();

  constructor(private readonly metadata: ModuleMetadata) {}

  /** Replaces a provider, wherever it is declared, before anything is built. */
  overrideProvider<T = unknown>(token: InjectionToken<T>): OverrideBy<T> {
    const set = (override: Override): TestingModuleBuilder => { this.overrides.set(token, override); return this; };
    return {
      useValue: (value: Partial<T>) => set({ kind: 'value', useValue: value }),
      useClass: (type: Type<T>) => set({ kind: 'class', useClass: type }),
      useFactory: (options: { factory: (...args: any[]) => T | Promise<T>; inject?: InjectionToken[] }) =>
        set({ kind: 'factory', useFactory: options.factory, inject: (options.inject ?? []).map((t) => ({ token: t, optional: false })) }),
    };
  }

  async compile(): Promise<TestingModule> {
    @Module(this.metadata)
    class TestingRootModule {}
    const modules = await scanModules(TestingRootModule);
    for (const module of modules) {
      for (const [token, override] of this.overrides) {
        if (module.providers.has(token)) module.providers.set(token, { ...override, token } as ProviderDefinition);
      }
    }
    const container = new Container(modules);
    await container.buildAll();
    return new TestingModule(container);
  }
}

/** A compiled module for tests: get instances from it, or start it as an app. */
export class TestingModule {
  private app: NestApplication | undefined;
  constructor(private readonly container: Container) {}

  get<T = unknown>(token: InjectionToken<T>): T { return this.container.get(token); }

  /** An application over this module; `await app.listen(0)` starts it on an ephemeral port. */
  createNestApplication(options: ApplicationOptions = {}): NestApplication {
    Logger.configure(options.logger ?? false);
    this.app = new NestApplication(this.container, options);
    return this.app;
  }

  /** Runs the init hooks without starting a server. */
  async init(): Promise<this> {
    await callHook(this.container, 'onModuleInit');
    await callHook(this.container, 'onApplicationBootstrap');
    return this;
  }

  async close(): Promise<void> {
    if (this.app) return this.app.close();
    await callHook(this.container, 'onModuleDestroy');
    await callHook(this.container, 'beforeApplicationShutdown');
    await callHook(this.container, 'onApplicationShutdown');
  }
}

export const Test = {
  createTestingModule(metadata: ModuleMetadata): TestingModuleBuilder {
    return new TestingModuleBuilder(metadata);
  },
};

export { SseTestClient, type ReceivedEvent, type SseTestClientOptions } from './sse-client.js';
