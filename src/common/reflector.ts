import { randomBytes } from 'node:crypto';
import { Injectable } from './injectable.decorator.js';
import { SetMetadata } from './enhancer.decorators.js';
import type { Type } from './types.js';

/** A decorator made by `Reflector.createDecorator()`: call it with a value; `KEY` is where the value is stored. */
export type ReflectableDecorator<TParam, TTransformed = TParam> = ((value?: TParam) => ClassDecorator & MethodDecorator) & {
  KEY: string;
  /** Type-only: what `reflector.get(decorator, …)` returns. */
  readonly __transformed?: TTransformed;
};

export interface CreateDecoratorOptions<TParam = any, TTransformed = TParam> {
  /** The metadata key (default: a random one, unique to this decorator). */
  key?: string;
  /** Turns the value given to the decorator into the value stored. */
  transform?: (value: TParam) => TTransformed;
}

type Target = Type | Function;
/** A metadata key, or a decorator made by `createDecorator` (whose `KEY` is then the key). */
type KeyOrDecorator = string | symbol | { KEY: string };
/** What a decorator made by `createDecorator` stores. */
type DecoratedValue<D> = D extends ReflectableDecorator<any, infer T> ? T : unknown;

function keyOf(keyOrDecorator: KeyOrDecorator): string | symbol {
  return typeof keyOrDecorator === 'object' || typeof keyOrDecorator === 'function' ? (keyOrDecorator as { KEY: string }).KEY : keyOrDecorator;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Reads metadata set with `SetMetadata` or with decorators made by
 * `Reflector.createDecorator()`, for guards and interceptors, as NestJS's
 * Reflector. Always injectable.
 */
@Injectable()
export class Reflector {
  /**
   * A typed alternative to `SetMetadata`:
   * ```ts
   * export const Roles = Reflector.createDecorator<string[]>();
   * @Roles(['admin']) … reflector.get(Roles, context.getHandler())
   * ```
   */
  static createDecorator<TParam>(options?: CreateDecoratorOptions<TParam>): ReflectableDecorator<TParam>;
  static createDecorator<TParam, TTransformed>(
    options: CreateDecoratorOptions<TParam, TTransformed> & { transform: (value: TParam) => TTransformed },
  ): ReflectableDecorator<TParam, TTransformed>;
  static createDecorator<TParam, TTransformed = TParam>(
    options: CreateDecoratorOptions<TParam, TTransformed> = {},
  ): ReflectableDecorator<TParam, TTransformed> {
    const key = options.key ?? randomBytes(16).toString('base64url');
    const decorator = (value?: TParam) => {
      const stored = options.transform ? options.transform(value as TParam) : value;
      // As in NestJS: a decorator used without a value stores `{}`, so its presence reads as truthy.
      return SetMetadata(key, stored ?? {});
    };
    return Object.assign(decorator, { KEY: key }) as ReflectableDecorator<TParam, TTransformed>;
  }

  /** The value under a key (or a decorator's key) on one target, or `undefined`. */
  get<D extends ReflectableDecorator<any, any>>(decorator: D, target: Target): DecoratedValue<D> | undefined;
  get<TResult = any, TKey = any>(metadataKey: TKey, target: Target): TResult;
  get(keyOrDecorator: KeyOrDecorator, target: Target): unknown {
    return Reflect.getMetadata(keyOf(keyOrDecorator), target);
  }

  /** The value on each target, in order, `undefined` where there is none. */
  getAll<D extends ReflectableDecorator<any, any>>(decorator: D, targets: Target[]): Array<DecoratedValue<D> | undefined>;
  getAll<TResult extends any[] = any[], TKey = any>(metadataKey: TKey, targets: Target[]): TResult;
  getAll(keyOrDecorator: KeyOrDecorator, targets: Target[]): unknown[] {
    const key = keyOf(keyOrDecorator);
    return (targets ?? []).map((target) => Reflect.getMetadata(key, target));
  }

  /** The first value found, looking at the targets in order (handler first, then class). */
  getAllAndOverride<D extends ReflectableDecorator<any, any>>(decorator: D, targets: Target[]): DecoratedValue<D> | undefined;
  getAllAndOverride<TResult = any, TKey = any>(metadataKey: TKey, targets: Target[]): TResult | undefined;
  getAllAndOverride(keyOrDecorator: KeyOrDecorator, targets: Target[]): unknown {
    for (const value of this.getAll(keyOrDecorator as string, targets)) if (value !== undefined) return value;
    return undefined;
  }

  /**
   * Every value found, merged as NestJS merges them: arrays concatenated,
   * objects spread into one, other values gathered into an array. A single
   * object (or array) comes back as it is.
   */
  getAllAndMerge<D extends ReflectableDecorator<any, any>>(decorator: D, targets: Target[]): DecoratedValue<D>;
  getAllAndMerge<TResult extends any[] | object = any[], TKey = any>(metadataKey: TKey, targets: Target[]): TResult;
  getAllAndMerge(keyOrDecorator: KeyOrDecorator, targets: Target[]): unknown {
    const found = this.getAll(keyOrDecorator as string, targets).filter((value) => value !== undefined);
    if (found.length === 0) return found;
    if (found.length === 1) return isObject(found[0]) ? found[0] : found;
    return found.reduce((merged: unknown, value) => {
      if (Array.isArray(merged)) return merged.concat(value);
      // biome-ignore lint/performance/noAccumulatingSpread: a fresh object each step, so found[0] stays as stored; the targets are a handler and its class
      if (isObject(merged) && isObject(value)) return { ...merged, ...value };
      return [merged, value];
    });
  }
}
