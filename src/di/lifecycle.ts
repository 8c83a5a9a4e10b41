import type { ModuleNode } from './module-graph.js';

/** What calling hooks needs of the container: its modules, deepest first, and what each one built. */
export interface HookTargets {
  byDepth(): ModuleNode[];
  instancesOf(module: ModuleNode): unknown[];
}

type Hook = 'onModuleInit' | 'onApplicationBootstrap' | 'onModuleDestroy' | 'beforeApplicationShutdown' | 'onApplicationShutdown';

/**
 * Calls a lifecycle hook on every instance that has it, module by module:
 * deepest modules first on the way up, and in reverse on the way down.
 * Instances of one module run their hook concurrently, as in NestJS.
 */
export async function callHook(container: HookTargets, hook: Hook, signal?: string, only?: ReadonlySet<unknown>): Promise<void> {
  // `only`: the modules a lazy load just added, whose hooks run then.
  const modules = container.byDepth().filter((m) => only === undefined || only.has(m));
  const ordered = hook === 'onModuleInit' || hook === 'onApplicationBootstrap' ? modules : modules.reverse();
  // One call per object, even when aliases or shared values list it in several modules.
  const seen = new Set<unknown>();
  for (const module of ordered) {
    const calls = container
      .instancesOf(module)
      .filter((instance) => !seen.has(instance) && seen.add(instance) && typeof (instance as Record<Hook, unknown>)[hook] === 'function')
      .map((instance) => (instance as Record<Hook, (signal?: string) => unknown>)[hook](signal));
    await Promise.all(calls);
  }
}
