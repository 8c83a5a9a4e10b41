import { META } from '../common/metadata-keys.js';
import { Reflector } from '../common/reflector.js';
import { HttpAdapterHost } from '../http/http-adapter.js';
import { Errors } from '../errors.js';
import { tokenName, type InjectionToken, type Type } from '../common/types.js';
import type { ModuleNode, ProviderDefinition } from './module-graph.js';

interface Instance { value: unknown; host: ModuleNode }

/**
 * A built value travels boxed between the async steps, so a provider whose value
 * is itself thenable (a Promise in useValue, a query builder) is injected as it
 * is, not awaited by accident. Only factories are awaited, on purpose.
 */
interface Box { value: unknown }

/** A provider built on behalf of its consumer, for error messages. */
interface Consumer { name: string; index: number }

/**
 * Builds every provider once, at start-up, and answers `get(token)` afterwards.
 * A provider is visible in its own module, in modules importing one that
 * exports it, and everywhere when its module is global.
 */
export class Container {
  private readonly built = new Map<ProviderDefinition, Instance>();
  /** Providers being built now, shared so that concurrent consumers wait for one instance. */
  private readonly pending = new Map<ProviderDefinition, Promise<Box>>();
  private readonly exported = new Map<ModuleNode, Map<InjectionToken, [ProviderDefinition, ModuleNode]>>();
  private readonly enhancers = new Map<ModuleNode, Map<Type, Promise<unknown>>>();
  readonly controllers = new Map<Type, { instance: unknown; host: ModuleNode }>();
  private readonly globals: ModuleNode[];

  constructor(readonly modules: ModuleNode[]) {
    this.globals = modules.filter((m) => m.global);
    const builtIns: ModuleNode = { metatype: Container as Type, name: 'streamnest', global: true, depth: 0, providers: new Map(), controllers: [], imports: [], exports: [] };
    builtIns.providers.set(Reflector, { kind: 'value', token: Reflector, useValue: new Reflector() });
    builtIns.providers.set(HttpAdapterHost, { kind: 'value', token: HttpAdapterHost, useValue: new HttpAdapterHost() });
    builtIns.exports = [Reflector, HttpAdapterHost];
    this.globals.push(builtIns);
  }

  /** Creates every provider and controller, deepest modules first. */
  async buildAll(): Promise<void> {
    for (const module of this.byDepth()) {
      for (const def of module.providers.values()) await this.build(def, module, []);
      for (const controller of module.controllers) {
        if (!Reflect.hasOwnMetadata(META.controller, controller)) throw Errors.NOT_A_CONTROLLER(tokenName(controller), module.name);
        const { value: instance } = await this.construct(controller, module, []);
        this.controllers.set(controller, { instance, host: module });
      }
    }
  }

  /** The root module: the scan visits it first. */
  get root(): ModuleNode { return this.modules[0]!; }

  /** Modules ordered deepest first, the order in which they initialise. */
  byDepth(): ModuleNode[] {
    return [...this.modules].sort((a, b) => b.depth - a.depth);
  }

  /**
   * Every built instance of a module, each once: providers, then controllers.
   * An alias (useExisting) or a factory returning a shared object would
   * otherwise have its lifecycle hooks called twice.
   */
  instancesOf(module: ModuleNode): unknown[] {
    const own = [...module.providers.values()].map((def) => this.built.get(def)?.value);
    const controllers = module.controllers.map((c) => this.controllers.get(c)?.instance);
    return [...new Set([...own, ...controllers])].filter((v) => v !== undefined && v !== null);
  }

  /** Finds a built provider by token, anywhere in the application. */
  get<T>(token: InjectionToken<T>): T {
    for (const [def, instance] of this.built) if (def.token === token) return instance.value as T;
    for (const [controller, entry] of this.controllers) if (controller === token) return entry.instance as T;
    for (const global of this.globals) {
      const def = global.providers.get(token);
      if (def?.kind === 'value') return def.useValue as T;
    }
    throw Errors.NOT_INJECTABLE(tokenName(token));
  }

  /**
   * A guard, interceptor, pipe or filter given as a class: built once per module,
   * with its constructor dependencies resolved in that module.
   */
  async enhancer<T>(item: T | Type<T>, module: ModuleNode): Promise<T> {
    if (typeof item !== 'function') return item;
    const type = item as Type<T>;
    let cache = this.enhancers.get(module);
    if (!cache) this.enhancers.set(module, cache = new Map());
    // The Promise is cached, so two routes asking at once still share one instance.
    let instance = cache.get(type);
    if (!instance) {
      const visible = this.lookup(type, module);
      instance = (visible ? this.build(visible[0], visible[1], []) : this.construct(type, module, [])).then((box) => box.value);
      cache.set(type, instance);
    }
    return instance as Promise<T>;
  }

  /**
   * Builds a provider once. `path` is the chain of providers that led here, one
   * per resolution: a stack shared by the whole container would mistake two
   * concurrent builds of the same provider for a cycle.
   */
  private async build(def: ProviderDefinition, host: ModuleNode, path: ProviderDefinition[]): Promise<Box> {
    const done = this.built.get(def);
    if (done) return { value: done.value };
    if (path.includes(def)) {
      const cycle = [...path.slice(path.indexOf(def)), def].map((d) => tokenName(d.token));
      throw Errors.CIRCULAR_DEPENDENCY(cycle);
    }
    let running = this.pending.get(def);
    if (!running) {
      running = this.create(def, host, [...path, def]).then((box) => {
        this.built.set(def, { value: box.value, host });
        return box;
      }).finally(() => this.pending.delete(def));
      this.pending.set(def, running);
    }
    return running;
  }

  private async create(def: ProviderDefinition, host: ModuleNode, path: ProviderDefinition[]): Promise<Box> {
    switch (def.kind) {
      case 'value': return { value: def.useValue };
      case 'class': return this.construct(def.useClass, host, path, tokenName(def.token));
      case 'existing': return this.resolve(def.useExisting, host, { name: tokenName(def.token), index: 0 }, false, path);
      case 'factory': {
        const args = [];
        for (const [index, dep] of def.inject.entries()) {
          args.push((await this.resolve(dep.token, host, { name: `the factory of ${tokenName(def.token)}`, index }, dep.optional, path)).value);
        }
        return { value: await def.useFactory(...args) };
      }
    }
  }

  /** Calls a class's constructor with its dependencies, read from decorator metadata. */
  private async construct(type: Type, host: ModuleNode, path: ProviderDefinition[], name = type.name): Promise<Box> {
    const types: unknown[] = Reflect.getMetadata(META.paramTypes, type) ?? [];
    const explicit: Record<number, InjectionToken> = Reflect.getMetadata(META.injectTokens, type) ?? {};
    const optional: number[] = Reflect.getMetadata(META.optionalParams, type) ?? [];
    const count = Math.max(types.length, type.length, ...Object.keys(explicit).map((k) => Number(k) + 1));
    const args = [];
    for (let index = 0; index < count; index++) {
      const token = explicit[index] ?? types[index];
      if (token === undefined || token === Object) {
        if (optional.includes(index)) { args.push(undefined); continue; }
        throw Errors.UNKNOWN_PARAM_TYPE(name, index, host.name);
      }
      args.push((await this.resolve(token as InjectionToken, host, { name, index }, optional.includes(index), path)).value);
    }
    return { value: new type(...args) };
  }

  private async resolve(token: InjectionToken, module: ModuleNode, consumer: Consumer, optional: boolean, path: ProviderDefinition[]): Promise<Box> {
    const found = this.lookup(token, module);
    if (!found) {
      if (optional) return { value: undefined };
      // Provided somewhere but not visible here: say where, since "add it to
      // your providers" would create a second instance instead of sharing one.
      const owner = this.modules.find((m) => m !== module && m.providers.has(token));
      if (owner) {
        const explain = this.exportsOf(owner).has(token) ? Errors.PROVIDER_NOT_IMPORTED : Errors.PROVIDER_NOT_EXPORTED;
        throw explain(consumer.name, consumer.index, tokenName(token), module.name, owner.name);
      }
      throw Errors.MISSING_PROVIDER(consumer.name, consumer.index, tokenName(token), module.name);
    }
    return this.build(found[0], found[1], path);
  }

  /** Where a token is visible from a module: its own, its imports' exports, then global modules. */
  private lookup(token: InjectionToken, module: ModuleNode): [ProviderDefinition, ModuleNode] | undefined {
    const own = module.providers.get(token);
    if (own) return [own, module];
    for (const imported of module.imports) {
      const found = this.exportsOf(imported).get(token);
      if (found) return found;
    }
    for (const global of this.globals) {
      const found = this.exportsOf(global).get(token);
      if (found) return found;
    }
    return undefined;
  }

  /** The providers a module exposes to importers, re-exported modules included. */
  private exportsOf(module: ModuleNode, seen = new Set<ModuleNode>()): Map<InjectionToken, [ProviderDefinition, ModuleNode]> {
    const cached = this.exported.get(module);
    if (cached) return cached;
    const map = new Map<InjectionToken, [ProviderDefinition, ModuleNode]>();
    seen.add(module);
    for (const exported of module.exports) {
      if (typeof exported === 'object' && exported !== null && 'providers' in exported) {
        if (seen.has(exported)) continue;
        for (const [token, entry] of this.exportsOf(exported, seen)) map.set(token, entry);
      } else {
        map.set(exported, [module.providers.get(exported)!, module]);
      }
    }
    this.exported.set(module, map);
    return map;
  }
}
