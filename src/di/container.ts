import { META } from '../common/metadata-keys.js';
import { Reflector } from '../common/reflector.js';
import { Errors } from '../errors.js';
import { isForwardReference } from '../common/forward-ref.js';
import { Scope } from '../common/scope.js';
import { INQUIRER, REQUEST } from '../common/tokens.js';
import { tokenName, type DynamicModule, type InjectionToken, type Type } from '../common/types.js';
import { ModuleRef, type ProviderLookup } from './module-ref.js';
import { requestScopedEnhancer, type ScopedEnhancers } from './request-scoped-enhancer.js';
import { DiscoveryService, MetadataScanner, type DiscoverySource, type InstanceWrapper } from './discovery.js';
import { LazyModuleLoader, type ModuleLoading } from './lazy-module-loader.js';
import { scanModules, type ModuleNode, type ProviderDefinition } from './module-graph.js';
import type { ResolutionContext } from './request-context.js';

interface Instance {
  value: unknown;
  host: ModuleNode;
}

/**
 * A built value travels boxed between the async steps, so a provider whose value
 * is itself thenable (a Promise in useValue, a query builder) is injected as it
 * is, not awaited by accident. Only factories are awaited, on purpose.
 */
interface Box {
  value: unknown;
}

/** A provider built on behalf of its consumer, for error messages. */
interface Consumer {
  name: string;
  index: number | string;
}

/**
 * How one resolution goes: the chain of providers that led here, the
 * request's context if any, and the class whose constructor asked (INQUIRER).
 */
interface Resolution {
  path: ProviderDefinition[];
  context?: ResolutionContext;
  inquirer?: Type;
}

export interface ContainerOptions {
  /** Replace guards, interceptors, pipes and filters given as classes (testing's overrideGuard and kin). */
  overrides?: Map<InjectionToken, ProviderDefinition>;
  /** Testing's useMocker: makes a stand-in for a dependency nothing provides. */
  mocker?: (token: InjectionToken) => unknown;
  /**
   * Values the layers above DI give every module beside DI's own providers
   * (the platform's HttpAdapterHost): DI does not know of them, so they are handed in.
   */
  platformValues?: ReadonlyArray<readonly [InjectionToken, unknown]>;
}

/** A controller: one instance, or, when it depends on a request-scoped provider, one per request. */
export interface ControllerEntry {
  instance: unknown;
  host: ModuleNode;
  requestScoped: boolean;
}

/**
 * Builds every provider once, at start-up, and answers `get(token)` afterwards.
 * A provider is visible in its own module, in modules importing one that
 * exports it, and everywhere when its module is global. Request-scoped
 * providers (and what depends on them) are built per request instead;
 * transient ones once per consumer.
 */
export class Container implements ProviderLookup, DiscoverySource, ModuleLoading, ScopedEnhancers {
  private readonly built = new Map<ProviderDefinition, Instance>();
  /** Providers being built now, shared so that concurrent consumers wait for one instance. */
  private readonly pending = new Map<ProviderDefinition, Promise<Box>>();
  /** Stand-ins handed out through forwardRef while their class is still being built. */
  private readonly placeholders = new Map<ProviderDefinition, object>();
  private readonly exported = new Map<ModuleNode, Map<InjectionToken, [ProviderDefinition, ModuleNode]>>();
  private readonly enhancers = new Map<ModuleNode, Map<Type, Promise<unknown>>>();
  private readonly requestScoped = new Map<ProviderDefinition, boolean>();
  private readonly moduleRefs = new Map<ModuleNode, ModuleRef>();
  private readonly moduleInstances = new Map<ModuleNode, unknown>();
  readonly controllers = new Map<Type, ControllerEntry>();
  private readonly globals: ModuleNode[];

  private readonly overrides: Map<InjectionToken, ProviderDefinition>;
  private readonly mocker: ((token: InjectionToken) => unknown) | undefined;

  constructor(
    readonly modules: ModuleNode[],
    options: ContainerOptions = {},
  ) {
    this.overrides = options.overrides ?? new Map();
    this.mocker = options.mocker;
    this.globals = modules.filter((m) => m.global);
    const builtIns: ModuleNode = {
      metatype: Container as Type,
      name: 'streamnest',
      global: true,
      depth: 0,
      providers: new Map(),
      controllers: [],
      imports: [],
      exports: [],
    };
    const values: Array<readonly [InjectionToken, unknown]> = [
      [Reflector, new Reflector()],
      ...(options.platformValues ?? []),
      [DiscoveryService, new DiscoveryService(this)],
      [MetadataScanner, new MetadataScanner()],
      [LazyModuleLoader, new LazyModuleLoader(this)],
    ];
    for (const [token, useValue] of values) builtIns.providers.set(token, { kind: 'value', token, useValue });
    builtIns.exports = values.map(([token]) => token);
    this.globals.push(builtIns);
  }

  /** Creates every provider, controller and module class, deepest modules first. */
  async buildAll(): Promise<void> {
    await this.buildModules(this.byDepth(), true);
  }

  /**
   * Adds a module (and what it imports that the application does not have
   * yet) after start-up, and builds it: LazyModuleLoader. Its controllers are
   * not built, since no route serves them.
   */
  async addModules(root: Type | DynamicModule): Promise<{ root: ModuleNode; added: ModuleNode[] }> {
    const existing = new Map<unknown, ModuleNode>(this.modules.map((m) => [m.metatype, m]));
    const added = await scanModules(root, new Map(), existing);
    this.modules.push(...added);
    this.globals.push(...added.filter((m) => m.global));
    await this.buildModules(
      [...added].sort((a, b) => b.depth - a.depth),
      false,
    );
    const type = typeof root === 'function' ? root : root.module;
    return { root: added[0] ?? existing.get(type)!, added };
  }

  private async buildModules(modules: ModuleNode[], withControllers: boolean): Promise<void> {
    for (const module of modules) {
      for (const def of module.providers.values()) {
        if (!this.isRequestScoped(def, module)) await this.build(def, module, { path: [] });
      }
      for (const controller of withControllers ? module.controllers : []) {
        if (!Reflect.hasOwnMetadata(META.controller, controller)) throw Errors.NOT_A_CONTROLLER(tokenName(controller), module.name);
        const requestScoped = Reflect.getMetadata(META.scope, controller) === Scope.REQUEST || this.classIsRequestScoped(controller, module, new Set());
        const instance = requestScoped ? undefined : (await this.construct(controller, module, { path: [] })).value;
        this.controllers.set(controller, { instance, host: module, requestScoped });
      }
      // The module class itself: it may inject providers, have lifecycle hooks, and configure middleware.
      this.moduleInstances.set(module, (await this.construct(module.metatype, module, { path: [] })).value);
    }
  }

  /** The root module: the scan visits it first. */
  get root(): ModuleNode {
    return this.modules[0]!;
  }

  /** Modules ordered deepest first, the order in which they initialise. */
  byDepth(): ModuleNode[] {
    return [...this.modules].sort((a, b) => b.depth - a.depth);
  }

  /** The instance of a module's class (where `configure(consumer)` lives). */
  moduleInstance(module: ModuleNode): unknown {
    return this.moduleInstances.get(module);
  }

  /**
   * Every built instance of a module, each once: providers, then controllers,
   * then the module class. An alias (useExisting) or a factory returning a
   * shared object would otherwise have its lifecycle hooks called twice.
   */
  instancesOf(module: ModuleNode): unknown[] {
    const own = [...module.providers.values()].map((def) => this.built.get(def)?.value);
    const controllers = module.controllers.map((c) => this.controllers.get(c)?.instance);
    return [...new Set([...own, ...controllers, this.moduleInstances.get(module)])].filter((v) => v !== undefined && v !== null);
  }

  /** A module's providers as discovery shows them. */
  providerWrappers(module: ModuleNode): InstanceWrapper[] {
    return [...module.providers.values()].map((def) => ({
      name: tokenName(def.token).replace(/^"|"$/g, ''),
      token: def.token,
      metatype: def.kind === 'class' ? def.useClass : undefined,
      instance: this.built.get(def)?.value,
      host: { name: module.name, metatype: module.metatype },
      isDependencyTreeStatic: () => !this.isRequestScoped(def, module),
    }));
  }

  /** A module's controllers as discovery shows them. */
  controllerWrappers(module: ModuleNode): InstanceWrapper[] {
    return module.controllers.map((controller) => {
      const entry = this.controllers.get(controller);
      return {
        name: controller.name,
        token: controller,
        metatype: controller,
        instance: entry?.instance,
        host: { name: module.name, metatype: module.metatype },
        isDependencyTreeStatic: () => entry?.requestScoped !== true,
      };
    });
  }

  /** The providers declared for `token` in every module, in module order: APP_GUARD and its kin. */
  providersFor(token: InjectionToken): unknown[] {
    const found: unknown[] = [];
    for (const module of this.modules) {
      for (const def of module.providers.values()) {
        if (def.token !== token) continue;
        if (this.built.has(def)) found.push(this.built.get(def)!.value);
        // A request-scoped global guard, interceptor or filter: made per request, through a stand-in.
        else if (def.kind === 'class' && this.isRequestScoped(def, module)) found.push(requestScopedEnhancer(this, def.useClass, module));
      }
    }
    return found;
  }

  /**
   * Finds a built provider by token: anywhere in the application, or, with
   * `module`, only among what that module can see.
   */
  get<T>(token: InjectionToken<T>, module?: ModuleNode): T {
    if (module) {
      const found = this.lookup(token, module);
      const instance = found && this.built.get(found[0]);
      if (instance) return instance.value as T;
      if (token === ModuleRef) return this.moduleRef(module) as T;
      throw Errors.NOT_INJECTABLE(tokenName(token));
    }
    for (const [def, instance] of this.built) if (def.token === token) return instance.value as T;
    for (const [controller, entry] of this.controllers) if (controller === token && entry.instance !== undefined) return entry.instance as T;
    for (const global of this.globals) {
      const def = global.providers.get(token);
      if (def?.kind === 'value') return def.useValue as T;
    }
    if (token === ModuleRef) return this.moduleRef(this.root) as T;
    throw Errors.NOT_INJECTABLE(tokenName(token));
  }

  /** Every built provider declared for `token`, visible from `module` (or anywhere): `{ each: true }`. */
  getEach<T>(token: InjectionToken<T>, module?: ModuleNode): T[] {
    return this.declarations(token, module).flatMap(([def]) => (this.built.has(def) ? [this.built.get(def)!.value as T] : []));
  }

  /** Every provider declared for `token`, in a context (scoped ones made there). */
  async resolveEach<T>(token: InjectionToken<T>, module: ModuleNode | undefined, context: ResolutionContext): Promise<T[]> {
    const found = [];
    for (const [def, host] of this.declarations(token, module)) {
      found.push(
        (def.scope === Scope.TRANSIENT ? await this.create(def, host, { path: [def], context }) : await this.build(def, host, { path: [], context }))
          .value as T,
      );
    }
    return found;
  }

  /** Where `token` is declared: in `module`, what it imports and the globals; or, without one, in every module. */
  private declarations(token: InjectionToken, module?: ModuleNode): Array<[ProviderDefinition, ModuleNode]> {
    const pool = module ? [module, ...module.imports, ...this.globals] : [...this.modules, ...this.globals];
    return [...new Set(pool)].flatMap((m) =>
      [...m.providers.values()].filter((def) => def.token === token).map((def) => [def, m] as [ProviderDefinition, ModuleNode]),
    );
  }

  /** A provider in a context: a new instance for transient and request-scoped ones, the singleton otherwise. */
  async resolveScoped<T>(token: InjectionToken<T>, module: ModuleNode | undefined, context: ResolutionContext): Promise<T> {
    const found = module ? this.lookup(token, module) : this.findAnywhere(token);
    if (!found) {
      const controller = this.controllers.get(token as Type);
      if (controller) return (await this.controllerFor(token as Type, context)) as T;
      throw Errors.NOT_INJECTABLE(tokenName(token));
    }
    const [def, host] = found;
    if (def.scope === Scope.TRANSIENT) return (await this.create(def, host, { path: [def], context })).value as T;
    return (await this.build(def, host, { path: [], context })).value as T;
  }

  /** The controller instance for a request: the singleton, or a new one for request-scoped controllers. */
  async controllerFor(controller: Type, context: ResolutionContext): Promise<unknown> {
    const entry = this.controllers.get(controller)!;
    if (!entry.requestScoped) return entry.instance;
    let instance = context.instances.get(controller as unknown as ProviderDefinition);
    if (!instance) {
      instance = this.construct(controller, entry.host, { path: [], context }).then((box) => box.value);
      context.instances.set(controller as unknown as ProviderDefinition, instance);
    }
    return instance;
  }

  /** A new instance of any class, its dependencies resolved in `module` (ModuleRef.create). */
  async instantiate(type: Type, module: ModuleNode, context?: ResolutionContext): Promise<unknown> {
    return (await this.construct(type, module, { path: [], context })).value;
  }

  moduleRef(module: ModuleNode): ModuleRef {
    let ref = this.moduleRefs.get(module);
    if (!ref) this.moduleRefs.set(module, (ref = new ModuleRef(this, module)));
    return ref;
  }

  /**
   * A guard, interceptor, pipe or filter given as a class: built once per module,
   * with its constructor dependencies resolved in that module.
   */
  async enhancer<T>(item: T | Type<T>, module: ModuleNode): Promise<T> {
    if (typeof item !== 'function') return item;
    const type = item as Type<T>;
    let cache = this.enhancers.get(module);
    if (!cache) this.enhancers.set(module, (cache = new Map()));
    // The Promise is cached, so two routes asking at once still share one instance.
    let instance = cache.get(type);
    if (!instance) {
      const visible = this.enhancerDefinition(type, module);
      if (visible ? this.isRequestScoped(visible[0], visible[1]) : this.classIsRequestScoped(type, module, new Set())) {
        instance = Promise.resolve(requestScopedEnhancer(this, type, module));
      } else {
        instance = (visible ? this.build(visible[0], visible[1], { path: [] }) : this.construct(type, module, { path: [] })).then((box) => box.value);
      }
      cache.set(type, instance);
    }
    return instance as Promise<T>;
  }

  /** A request-scoped enhancer's instance for one request: made on first use, then shared within the request. */
  async enhancerInContext(type: Type, module: ModuleNode, context: ResolutionContext): Promise<unknown> {
    const key = type as unknown as ProviderDefinition;
    let instance = context.instances.get(key);
    if (!instance) {
      const visible = this.enhancerDefinition(type, module);
      instance = (visible ? this.create(visible[0], visible[1], { path: [visible[0]], context }) : this.construct(type, module, { path: [], context })).then(
        (box) => box.value,
      );
      context.instances.set(key, instance);
    }
    return instance;
  }

  /** How an enhancer class is provided: an override (testing), a visible provider, or none (built as a plain class). */
  private enhancerDefinition(type: Type, module: ModuleNode): readonly [ProviderDefinition, ModuleNode] | undefined {
    const override = this.overrides.get(type);
    return override ? [override, module] : this.lookup(type, module);
  }

  /** A visible provider's scope: REQUEST also when it only depends on something request-scoped. */
  scopeOf(token: InjectionToken, module: ModuleNode): Scope {
    const found = this.lookup(token, module) ?? this.findAnywhere(token);
    if (!found) throw Errors.NOT_INJECTABLE(tokenName(token));
    if (found[0].scope === Scope.TRANSIENT) return Scope.TRANSIENT;
    return this.isRequestScoped(found[0], found[1]) ? Scope.REQUEST : Scope.DEFAULT;
  }

  /** True when a provider must be built per request: it is request-scoped, or something it needs is. */
  isRequestScoped(def: ProviderDefinition, host: ModuleNode, seen = new Set<ProviderDefinition>()): boolean {
    const known = this.requestScoped.get(def);
    if (known !== undefined) return known;
    if (seen.has(def)) return false;
    seen.add(def);
    let scoped = def.scope === Scope.REQUEST;
    if (!scoped) {
      if (def.kind === 'class') scoped = this.classIsRequestScoped(def.useClass, host, seen);
      else if (def.kind === 'factory') scoped = def.inject.some((dep) => this.tokenIsRequestScoped(dep.token, host, seen));
      else if (def.kind === 'existing') scoped = this.tokenIsRequestScoped(def.useExisting, host, seen);
    }
    this.requestScoped.set(def, scoped);
    return scoped;
  }

  private classIsRequestScoped(type: Type, host: ModuleNode, seen: Set<ProviderDefinition>): boolean {
    return dependenciesOf(type).some(({ token }) => this.tokenIsRequestScoped(token, host, seen));
  }

  private tokenIsRequestScoped(token: InjectionToken | undefined, host: ModuleNode, seen: Set<ProviderDefinition>): boolean {
    if (token === REQUEST) return true;
    if (token === undefined) return false;
    const found = this.lookup(token, host);
    return found !== undefined && this.isRequestScoped(found[0], found[1], seen);
  }

  /**
   * Builds a provider once (or once per request, for request-scoped ones).
   * `path` is the chain of providers that led here, one per resolution: a
   * stack shared by the whole container would mistake two concurrent builds of
   * the same provider for a cycle.
   */
  private async build(def: ProviderDefinition, host: ModuleNode, resolution: Resolution, forward = false): Promise<Box> {
    const { path, context } = resolution;
    if (this.isRequestScoped(def, host)) {
      if (!context) throw Errors.SCOPED_OUTSIDE_REQUEST(tokenName(def.token));
      let instance = context.instances.get(def);
      if (!instance) {
        instance = this.create(def, host, { path: [...path, def], context }).then((box) => box.value);
        context.instances.set(def, instance);
      }
      return { value: await instance };
    }
    const done = this.built.get(def);
    if (done) return { value: done.value };
    if (path.includes(def)) {
      // forwardRef between two classes: hand out a stand-in, filled once the class is built.
      if (forward && def.kind === 'class') return { value: this.placeholder(def) };
      const cycle = [...path.slice(path.indexOf(def)), def].map((d) => tokenName(d.token));
      throw Errors.CIRCULAR_DEPENDENCY(cycle);
    }
    let running = this.pending.get(def);
    if (!running) {
      running = this.create(def, host, { path: [...path, def] })
        .then((box) => {
          const placeholder = this.placeholders.get(def);
          const value = placeholder ? Object.assign(placeholder, box.value) : box.value;
          this.built.set(def, { value, host });
          return { value };
        })
        .finally(() => this.pending.delete(def));
      this.pending.set(def, running);
    }
    return running;
  }

  private placeholder(def: ProviderDefinition & { kind: 'class' }): object {
    let stand = this.placeholders.get(def);
    if (!stand) this.placeholders.set(def, (stand = Object.create(def.useClass.prototype) as object));
    return stand;
  }

  private async create(def: ProviderDefinition, host: ModuleNode, resolution: Resolution): Promise<Box> {
    switch (def.kind) {
      case 'value':
        return { value: def.useValue };
      case 'class':
        return this.construct(def.useClass, host, resolution, tokenName(def.token));
      case 'existing':
        return this.resolve({ token: def.useExisting, optional: false }, host, { name: tokenName(def.token), index: 0 }, resolution);
      case 'factory': {
        const args = [];
        for (const [index, dep] of def.inject.entries()) {
          args.push((await this.resolve(dep, host, { name: `the factory of ${tokenName(def.token)}`, index }, resolution)).value);
        }
        return { value: await def.useFactory(...args) };
      }
    }
  }

  /** Calls a class's constructor with its dependencies, read from decorator metadata, then fills its @Inject() properties. */
  private async construct(type: Type, host: ModuleNode, resolution: Resolution, name = type.name): Promise<Box> {
    const args = [];
    for (const [index, dep] of dependenciesOf(type).entries()) {
      if (dep.token === undefined) {
        if (dep.optional) {
          args.push(undefined);
          continue;
        }
        throw Errors.UNKNOWN_PARAM_TYPE(name, index, host.name);
      }
      // INQUIRER is the class that asked for this one, as NestJS gives it: an object of that class (its name, its prototype).
      if (dep.token === INQUIRER) {
        args.push(resolution.inquirer && Object.create(resolution.inquirer.prototype));
        continue;
      }
      args.push(
        (await this.resolve({ token: dep.token, optional: dep.optional, forward: dep.forward }, host, { name, index }, { ...resolution, inquirer: type }))
          .value,
      );
    }
    const instance = new type(...args);
    const properties: Array<{ key: string | symbol; token: InjectionToken }> = Reflect.getMetadata(META.injectProperties, type) ?? [];
    const optionalProperties: Array<string | symbol> = Reflect.getMetadata(META.optionalProperties, type) ?? [];
    for (const { key, token } of properties) {
      const optional = optionalProperties.includes(key);
      const dep = isForwardReference(token) ? { token: token.forwardRef(), optional, forward: true } : { token, optional };
      instance[key] = (await this.resolve(dep, host, { name, index: String(key) }, resolution)).value;
    }
    return { value: instance };
  }

  private async resolve(
    dep: { token: InjectionToken; optional: boolean; forward?: boolean },
    module: ModuleNode,
    consumer: Consumer,
    resolution: Resolution,
  ): Promise<Box> {
    const { token } = dep;
    if (token === ModuleRef) return { value: this.moduleRef(module) };
    if (token === REQUEST) return { value: resolution.context?.request };
    if (token === INQUIRER) return { value: resolution.inquirer && Object.create(resolution.inquirer.prototype) };
    const found = this.lookup(token, module);
    if (!found) {
      if (dep.optional) return { value: undefined };
      if (this.mocker) return { value: this.mocker(token) };
      // Provided somewhere but not visible here: say where, since "add it to
      // your providers" would create a second instance instead of sharing one.
      const owner = this.modules.find((m) => m !== module && m.providers.has(token));
      if (owner) {
        const explain = this.exportsOf(owner).has(token) ? Errors.PROVIDER_NOT_IMPORTED : Errors.PROVIDER_NOT_EXPORTED;
        throw explain(consumer.name, consumer.index, tokenName(token), module.name, owner.name);
      }
      throw Errors.MISSING_PROVIDER(consumer.name, consumer.index, tokenName(token), module.name);
    }
    const [def, host] = found;
    // Transient: every consumer gets an instance of its own.
    if (def.scope === Scope.TRANSIENT) return this.create(def, host, { ...resolution, path: [...resolution.path, def] });
    return this.build(def, host, resolution, dep.forward === true);
  }

  private findAnywhere(token: InjectionToken): [ProviderDefinition, ModuleNode] | undefined {
    for (const module of [...this.modules, ...this.globals]) {
      for (const def of module.providers.values()) if (def.token === token) return [def, module];
    }
    return undefined;
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

interface Dependency {
  token: InjectionToken | undefined;
  optional: boolean;
  forward?: boolean;
}

/** A class's constructor dependencies, from `design:paramtypes`, `@Inject()` and `@Optional()`. */
function dependenciesOf(type: Type): Dependency[] {
  const types: unknown[] = Reflect.getMetadata(META.paramTypes, type) ?? [];
  const explicit: Record<number, unknown> = Reflect.getMetadata(META.injectTokens, type) ?? {};
  const optional: number[] = Reflect.getMetadata(META.optionalParams, type) ?? [];
  // Without decorator metadata (a class with no decorator, such as Logger), only @Inject() parameters
  // count: NestJS constructs such a class with no arguments too.
  const count = Math.max(types.length, ...Object.keys(explicit).map((k) => Number(k) + 1));
  const deps: Dependency[] = [];
  for (let index = 0; index < count; index++) {
    const given = explicit[index] ?? types[index];
    const forward = isForwardReference(given);
    const token = (forward ? given.forwardRef() : given) as InjectionToken | undefined;
    deps.push({ token: token === Object ? undefined : token, optional: optional.includes(index), forward });
  }
  return deps;
}
