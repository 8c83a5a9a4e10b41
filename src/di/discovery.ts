import { Module } from '../common/module.decorator.js';
import { SetMetadata } from '../common/enhancer.decorators.js';
import type { InjectionToken, Type } from '../common/types.js';
import type { ModuleNode } from './module-graph.js';

/** One provider or controller as discovery shows it, in the shape of NestJS's InstanceWrapper that libraries read. */
export interface InstanceWrapper<T = any> {
  name: string;
  token: InjectionToken;
  /** The class, when the provider is one (a value or a factory has none). */
  metatype: Type<T> | undefined;
  /** The built instance; undefined for a request-scoped one, which exists only within a request. */
  instance: T | undefined;
  host: { name: string; metatype: Type };
  isDependencyTreeStatic(): boolean;
}

/** What discovery needs of the container: the application's modules and, for each, its providers and controllers. */
export interface DiscoverySource {
  readonly modules: readonly ModuleNode[];
  providerWrappers(module: ModuleNode): InstanceWrapper[];
  controllerWrappers(module: ModuleNode): InstanceWrapper[];
}

export interface FilterByInclude {
  include?: Function[];
}
export interface FilterByMetadataKey {
  metadataKey?: string;
}
export type DiscoveryOptions = FilterByInclude | FilterByMetadataKey;

/** A decorator whose classes and methods discovery can find by its KEY. */
export type DiscoverableDecorator<T> = ((opts?: T) => ClassDecorator & MethodDecorator) & { KEY: string };

let decorators = 0;

/**
 * Lists the application's providers and controllers at run time, as NestJS's
 * DiscoveryService, for libraries that act on what a decorator marked: import
 * DiscoveryModule, inject DiscoveryService, then `getProviders({ metadataKey })`.
 */
export class DiscoveryService {
  constructor(private readonly container: DiscoverySource) {}

  /** A decorator for classes and methods, with a KEY of its own that getProviders()/getControllers() filter by. */
  static createDecorator<T>(): DiscoverableDecorator<T> {
    const key = `streamnest:discoverable:${++decorators}`;
    const decorator = (opts?: T) => SetMetadata(key, opts ?? {});
    return Object.assign(decorator, { KEY: key });
  }

  getProviders(options: DiscoveryOptions = {}): InstanceWrapper[] {
    return this.wrappers(options, (module) => this.container.providerWrappers(module));
  }

  getControllers(options: DiscoveryOptions = {}): InstanceWrapper[] {
    return this.wrappers(options, (module) => this.container.controllerWrappers(module));
  }

  /** What `decorator` recorded on the wrapper's class, or on one of its methods. */
  getMetadataByDecorator<T>(decorator: DiscoverableDecorator<T>, wrapper: InstanceWrapper, methodKey?: string): T | undefined {
    const target = methodKey === undefined ? wrapper.metatype : wrapper.metatype?.prototype?.[methodKey];
    return target === undefined ? undefined : Reflect.getMetadata(decorator.KEY, target);
  }

  private wrappers(options: DiscoveryOptions, of: (module: ModuleNode) => InstanceWrapper[]): InstanceWrapper[] {
    const include = 'include' in options ? options.include : undefined;
    const modules = this.container.modules.filter((m) => include === undefined || include.includes(m.metatype));
    const all = modules.flatMap(of);
    const key = 'metadataKey' in options ? options.metadataKey : undefined;
    return key === undefined ? all : all.filter((w) => w.metatype !== undefined && Reflect.getMetadata(key, w.metatype) !== undefined);
  }
}

/** Every method name of a prototype and its ancestors (not the constructor, not accessors), as NestJS's MetadataScanner. */
export class MetadataScanner {
  getAllMethodNames(prototype: object | null): string[] {
    const names = new Set<string>();
    for (let proto = prototype; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, name);
        if (name !== 'constructor' && descriptor && typeof descriptor.value === 'function') names.add(name);
      }
    }
    return [...names];
  }

  /** @deprecated as in NestJS: use getAllMethodNames(). */
  scanFromPrototype<R>(_instance: object, prototype: object | null, callback: (name: string) => R): R[] {
    return this.getAllMethodNames(prototype)
      .map(callback)
      .filter((r) => r !== undefined && r !== null);
  }
}

/** Import it to inject DiscoveryService and MetadataScanner (the container provides both to every module already). */
@Module({})
export class DiscoveryModule {}
