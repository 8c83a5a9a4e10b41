import { META } from './metadata-keys.js';
import type { ModuleMetadata } from './types.js';
import { Errors } from '../errors.js';

const MODULE_KEYS = new Set(['imports', 'controllers', 'providers', 'exports']);

/** Declares a module: the unit that groups controllers and providers and decides what is visible to whom. */
export function Module(metadata: ModuleMetadata = {}): ClassDecorator {
  for (const key of Object.keys(metadata)) {
    if (!MODULE_KEYS.has(key)) throw Errors.UNKNOWN_MODULE_PROPERTY(key, [...MODULE_KEYS]);
  }
  return (target) => Reflect.defineMetadata(META.module, metadata, target);
}

/** Makes a module's exports visible everywhere, without importing it. */
export function Global(): ClassDecorator {
  return (target) => Reflect.defineMetadata(META.global, true, target);
}
