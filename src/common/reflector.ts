import { Injectable } from './injectable.decorator.js';
import type { Type } from './types.js';

/** Reads metadata set with `SetMetadata`, for guards and interceptors. Always injectable. */
@Injectable()
export class Reflector {
  get<T = any>(key: string | symbol, target: Function | Type): T | undefined {
    return Reflect.getMetadata(key, target);
  }

  /** The first value found, looking at the targets in order (handler first, then class). */
  getAllAndOverride<T = any>(key: string | symbol, targets: Array<Function | Type>): T | undefined {
    for (const target of targets) {
      const value = Reflect.getMetadata(key, target);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** All values found on the targets, arrays flattened one level. */
  getAllAndMerge<T extends unknown[] = unknown[]>(key: string | symbol, targets: Array<Function | Type>): T {
    const merged: unknown[] = [];
    for (const target of targets) {
      const value = Reflect.getMetadata(key, target);
      if (value === undefined) continue;
      if (Array.isArray(value)) merged.push(...value); else merged.push(value);
    }
    return merged as T;
  }
}
