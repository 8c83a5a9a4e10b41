import type { DynamicModule, Type } from '../common/types.js';
import { callHook, type HookTargets } from './lifecycle.js';
import type { ModuleNode } from './module-graph.js';
import type { ModuleRef } from './module-ref.js';

/** What loading a module late needs of the container: adding and building modules, their hooks, their ModuleRef. */
export interface ModuleLoading extends HookTargets {
  addModules(root: Type | DynamicModule): Promise<{ root: ModuleNode; added: ModuleNode[] }>;
  moduleRef(module: ModuleNode): ModuleRef;
}

/**
 * Loads a module after start-up, as NestJS's LazyModuleLoader: its providers
 * are built then (with what the application already has: global modules, and
 * static modules it already imported, are shared), their init hooks run, and
 * the module's ModuleRef comes back. Loading it again gives the same one.
 * As in NestJS, controllers of a lazy module serve no routes.
 */
export class LazyModuleLoader {
  constructor(private readonly container: ModuleLoading) {}

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
