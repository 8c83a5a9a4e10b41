import { META, appendMetadata } from './metadata-keys.js';
import type { Type } from './types.js';
import type { CanActivate, NestInterceptor, PipeTransform, ExceptionFilter } from './interfaces.js';
import { Errors } from '../errors.js';
import { printable } from './describe.js';

/**
 * Guards, interceptors, pipes and filters may be given as classes (created once,
 * by the container, in the controller's module) or as ready instances.
 */
export type Enhancer<T> = T | Type<T>;

function enhancerDecorator<T>(key: string, name: string) {
  return (...items: Enhancer<T>[]) => {
    for (const [i, item] of items.entries()) {
      if (item === null || item === undefined || (typeof item !== 'function' && typeof item !== 'object')) {
        throw Errors.INVALID_ARGUMENT(`@${name}()`, `argument #${i} must be a class or an instance`, printable(item));
      }
    }
    return ((target: object, property?: string | symbol) => {
      if (property === undefined) appendMetadata(key, items, target);
      else appendMetadata(key, items, target, property);
    }) as ClassDecorator & MethodDecorator;
  };
}

export const UseGuards = enhancerDecorator<CanActivate>(META.guards, 'UseGuards');
export const UseInterceptors = enhancerDecorator<NestInterceptor>(META.interceptors, 'UseInterceptors');
export const UsePipes = enhancerDecorator<PipeTransform>(META.pipes, 'UsePipes');
export const UseFilters = enhancerDecorator<ExceptionFilter>(META.filters, 'UseFilters');

/** Declares which exception types a filter handles. With no types it catches everything. */
export function Catch(...types: Type[]): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(META.catch, types, target);
    Reflect.defineMetadata(META.injectable, true, target);
  };
}

/** What SetMetadata() returns: a decorator for a class or a method, carrying its key. */
export type CustomDecorator<TKey = string> = MethodDecorator & ClassDecorator & { KEY: TKey };

/** Attaches custom metadata to a class or a handler, for guards and interceptors to read with `Reflector`. */
export function SetMetadata<V = unknown>(key: string | symbol, value: V) {
  // As in NestJS, handler metadata lives on the handler function itself, so
  // `reflector.get(key, context.getHandler())` finds it.
  const decorator = (target: object, _property?: string | symbol, descriptor?: PropertyDescriptor) => {
    Reflect.defineMetadata(key, value, descriptor ? descriptor.value : target);
  };
  return Object.assign(decorator as ClassDecorator & MethodDecorator, { KEY: key });
}
