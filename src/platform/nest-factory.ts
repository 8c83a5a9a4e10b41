import { Logger } from '../common/logger.js';
import type { DynamicModule, Type } from '../common/types.js';
import { Container } from '../di/container.js';
import { scanModules } from '../di/module-graph.js';
import { NestApplication, type ApplicationOptions } from './application.js';

/** Builds the module graph and every provider at start-up, so wiring errors surface before any request. */
export async function createContainer(root: Type | DynamicModule): Promise<Container> {
  const container = new Container(await scanModules(root));
  await container.buildAll();
  return container;
}

export const NestFactory = {
  /** Creates an application from its root module. Call `listen()` on the result. */
  async create(root: Type | DynamicModule, options: ApplicationOptions = {}): Promise<NestApplication> {
    Logger.configure(options.logger);
    const logger = new Logger('NestFactory');
    logger.log('Starting streamnest application...');
    return new NestApplication(await createContainer(root), options);
  },
};
