import { Logger } from '../common/logger.js';
import type { DynamicModule, Type } from '../common/types.js';
import { Container } from '../di/container.js';
import { scanModules } from '../di/module-graph.js';
import { NestApplication, isApplicationOptions, type ApplicationOptions } from './application.js';
import { NestApplicationContext } from './application-context.js';
import { platformValues } from './platform-values.js';

/** Builds the module graph and every provider at start-up, so wiring errors surface before any request. */
export async function createContainer(root: Type | DynamicModule): Promise<Container> {
  const container = new Container(await scanModules(root), { platformValues: platformValues() });
  await container.buildAll();
  return container;
}

/** What NestFactory.create() takes as its module, as NestJS names it. */
export type IEntryNestModule = Type | DynamicModule | Promise<DynamicModule>;

export const NestFactory = {
  /** Creates an application from its root module. Call `listen()` on the result. */
  /**
   * Creates an application from its root module. Call `listen()` on the result.
   * A NestJS HTTP adapter passed second is ignored: streamnest has its own server.
   */
  async create<T extends NestApplication = NestApplication>(
    root: Type | DynamicModule,
    adapterOrOptions?: unknown,
    maybeOptions?: ApplicationOptions,
  ): Promise<T> {
    const options = (maybeOptions ?? (isApplicationOptions(adapterOrOptions) ? adapterOrOptions : {})) as ApplicationOptions;
    Logger.configure(options.logger);
    new Logger('NestFactory').log('Starting streamnest application...');
    return new NestApplication(await createContainer(root), options) as T;
  },

  /** An application without HTTP, for scripts and workers: providers, lifecycle hooks, shutdown hooks. */
  async createApplicationContext(
    root: Type | DynamicModule,
    options: { logger?: ApplicationOptions['logger']; shutdownTimeout?: number } = {},
  ): Promise<NestApplicationContext> {
    Logger.configure(options.logger);
    const context = new NestApplicationContext(await createContainer(root), options.shutdownTimeout);
    return context.init();
  },
};
