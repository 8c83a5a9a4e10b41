import { META } from './metadata-keys.js';
import type { InjectionToken } from './types.js';

/** Marks a class as a provider. Its constructor parameters are injected by type. */
export function Injectable(): ClassDecorator {
  return (target) => Reflect.defineMetadata(META.injectable, true, target);
}

/** Injects by an explicit token (a string, a symbol or a class) instead of the parameter's type. */
export function Inject(token: InjectionToken): ParameterDecorator {
  return (target, property, index) => {
    if (property !== undefined) throw new TypeError('@Inject() is supported on constructor parameters only');
    const tokens: Record<number, InjectionToken> = { ...(Reflect.getOwnMetadata(META.injectTokens, target) ?? {}) };
    tokens[index] = token;
    Reflect.defineMetadata(META.injectTokens, tokens, target);
  };
}

/** Lets a constructor parameter be `undefined` when nothing provides it. */
export function Optional(): ParameterDecorator {
  return (target, property, index) => {
    if (property !== undefined) throw new TypeError('@Optional() is supported on constructor parameters only');
    const optional: number[] = [...(Reflect.getOwnMetadata(META.optionalParams, target) ?? []), index];
    Reflect.defineMetadata(META.optionalParams, optional, target);
  };
}
