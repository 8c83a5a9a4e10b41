import { META, appendMetadata } from './metadata-keys.js';
import type { InjectionToken } from './types.js';
import type { ForwardReference } from './forward-ref.js';
import type { ScopeOptions } from './scope.js';
import { Errors } from '../errors.js';

/** NestJS's name for the options of @Injectable(). */
export type InjectableOptions = ScopeOptions;

/**
 * Declares constructor dependencies by token, for code without decorator
 * metadata (plain JavaScript): `@Dependencies(CatsService)`.
 */
export function Dependencies(...tokens: Array<InjectionToken | ForwardReference>): ClassDecorator {
  return (target) => Reflect.defineMetadata(META.paramTypes, tokens, target);
}

/** Marks a class as a provider. Its constructor parameters are injected by type; `scope` sets its lifetime. */
export function Injectable(options: ScopeOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(META.injectable, true, target);
    if (options.scope !== undefined) Reflect.defineMetadata(META.scope, options.scope, target);
  };
}

/**
 * Injects by an explicit token (a string, a symbol, a class, or `forwardRef(() => Class)`
 * for a class defined later) instead of the parameter's type.
 */
export function Inject(token?: InjectionToken | ForwardReference): ParameterDecorator & PropertyDecorator {
  return (target: object, property: string | symbol | undefined, index?: number) => {
    if (index === undefined) {
      // On a property: assigned right after the constructor ran, as in NestJS.
      if (property === undefined) throw Errors.DECORATOR_PLACEMENT('@Inject()', 'a constructor parameter or a class property');
      const resolved = token ?? Reflect.getMetadata(META.designType, target, property);
      appendMetadata(META.injectProperties, [{ key: property, token: resolved }], target.constructor);
      return;
    }
    if (property !== undefined) throw Errors.DECORATOR_PLACEMENT('@Inject()', 'a constructor parameter or a class property, not a method parameter');
    if (token === undefined) return;
    const tokens: Record<number, InjectionToken | ForwardReference> = { ...(Reflect.getOwnMetadata(META.injectTokens, target) ?? {}) };
    tokens[index] = token;
    Reflect.defineMetadata(META.injectTokens, tokens, target);
  };
}

/** Lets a constructor parameter be `undefined` when nothing provides it. */
export function Optional(): ParameterDecorator & PropertyDecorator {
  return (target: object, property: string | symbol | undefined, index?: number) => {
    if (index === undefined) {
      // On an injected property: left undefined when nothing provides it.
      if (property === undefined) throw Errors.DECORATOR_PLACEMENT('@Optional()', 'a constructor parameter or an injected property');
      appendMetadata(META.optionalProperties, [property], target.constructor);
      return;
    }
    if (property !== undefined) throw Errors.DECORATOR_PLACEMENT('@Optional()', 'a constructor parameter or an injected property, not a method parameter');
    const optional: number[] = [...(Reflect.getOwnMetadata(META.optionalParams, target) ?? []), index];
    Reflect.defineMetadata(META.optionalParams, optional, target);
  };
}
