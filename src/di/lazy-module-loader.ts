import type { DynamicModule, Type } from '../common/types.js';
import type { Container } from './container.js';
import { callHook } from './lifecycle.js';
import type { ModuleRef } from './module-ref.js';

/**
 * Loads a module after start-up, as NestJS's LazyModuleLoader: its providers
 * are built then (with what the application already has: global modules, and
 * static modules it already imported, are shared), their init hooks run, and
 * the module's ModuleRef comes back. Loading it again gives the same one.
 * As in NestJS, controllers of a lazy module serve no routes.
 */
export class LazyModuleLoader {
  constructor(private readonly container: Container) {}

  async load(loader: () => Type | DynamicModule | Promise<Type | DynamicModule>, _options?: { logger?: boolean }): Promise<ModuleRef> {
    const { root, added } = await this.container.addModules(await loader());
    if (added.length > 0) {
      const only = new Set(added);
      await callHook(this.container, 'onModuleInit', undefined, only);
      await callHook(this.container, 'onApplicationBootstrap', undefined, only);
    }
    return this.container.moduleRef(root);
  }
}
