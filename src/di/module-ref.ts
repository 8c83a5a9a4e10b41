import type { InjectionToken, Type } from '../common/types.js';
import type { Scope } from '../common/scope.js';
import type { ModuleNode } from './module-graph.js';
import { asResolutionContext, type ContextId, type ResolutionContext } from './request-context.js';

/** What a ModuleRef needs of the container: finding, resolving and creating instances as seen from a module (none: anywhere). */
export interface ProviderLookup {
  get<T>(token: InjectionToken<T>, module?: ModuleNode): T;
  getEach<T>(token: InjectionToken<T>, module?: ModuleNode): T[];
  resolveScoped<T>(token: InjectionToken<T>, module: ModuleNode | undefined, context: ResolutionContext): Promise<T>;
  resolveEach<T>(token: InjectionToken<T>, module: ModuleNode | undefined, context: ResolutionContext): Promise<T[]>;
  instantiate(type: Type, module: ModuleNode, context?: ResolutionContext): Promise<unknown>;
  scopeOf(token: InjectionToken, module: ModuleNode): Scope;
}

/** What ModuleRef.introspect() tells of a provider. */
export interface IntrospectionResult {
  scope: Scope;
}

export interface ModuleRefGetOptions {
  /** true (the default): only what the module itself can see; false: anywhere in the application. */
  strict?: boolean;
  /** Every provider declared for the token (an array), not only the first: `{ each: true }`, as in NestJS. */
  each?: boolean;
}

/**
 * A module's view of the container, injectable anywhere as `ModuleRef`, as in
 * NestJS: look providers up at run time, resolve scoped ones, or create a
 * class with its dependencies injected.
 */
export class ModuleRef {
  constructor(
    private readonly container: ProviderLookup,
    private readonly module: ModuleNode,
  ) {}

  get<T = any>(token: InjectionToken<T>, options?: ModuleRefGetOptions & { each?: false }): T;
  get<T = any>(token: InjectionToken<T>, options: ModuleRefGetOptions & { each: true }): T[];
  get<T = any>(token: InjectionToken<T>, options: ModuleRefGetOptions = {}): T | T[] {
    const module = options.strict === false ? undefined : this.module;
    return options.each === true ? this.container.getEach(token, module) : this.container.get(token, module);
  }

  /** A scoped (request or transient) provider's instance for `contextId` (a new context when none); a singleton as it is. */
  resolve<T = any>(token: InjectionToken<T>, contextId?: ContextId, options?: ModuleRefGetOptions & { each?: false }): Promise<T>;
  resolve<T = any>(token: InjectionToken<T>, contextId: ContextId | undefined, options: ModuleRefGetOptions & { each: true }): Promise<T[]>;
  resolve<T = any>(token: InjectionToken<T>, contextId?: ContextId, options: ModuleRefGetOptions = {}): Promise<T | T[]> {
    const module = options.strict === false ? undefined : this.module;
    const context = asResolutionContext(contextId);
    return options.each === true ? this.container.resolveEach(token, module, context) : this.container.resolveScoped(token, module, context);
  }

  /** A new instance of `type`, its constructor dependencies resolved in this module. Not registered anywhere. */
  create<T = any>(type: Type<T>, contextId?: ContextId): Promise<T> {
    return this.container.instantiate(type, this.module, contextId === undefined ? undefined : asResolutionContext(contextId)) as Promise<T>;
  }

  /** How `token` is scoped, as NestJS's introspect(). */
  introspect<T = any>(token: InjectionToken<T>): IntrospectionResult {
    return { scope: this.container.scopeOf(token, this.module) };
  }

  /** Ties `request` to `contextId`, so REQUEST resolves to it there. */
  registerRequestByContextId<T extends object = any>(request: T, contextId: ContextId): void {
    Object.assign(asResolutionContext(contextId), { request });
  }
}
