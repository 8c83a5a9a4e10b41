import { META } from './metadata-keys.js';

export interface ControllerOptions { path?: string }

/** Declares a controller, whose decorated methods become routes under `prefix`. */
export function Controller(prefixOrOptions: string | ControllerOptions = ''): ClassDecorator {
  const prefix = typeof prefixOrOptions === 'string' ? prefixOrOptions : prefixOrOptions.path ?? '';
  return (target) => {
    Reflect.defineMetadata(META.controller, { prefix }, target);
    Reflect.defineMetadata(META.injectable, true, target);
  };
}
