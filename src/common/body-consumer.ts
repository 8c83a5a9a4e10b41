import { META } from './metadata-keys.js';
import type { Type } from './types.js';

/**
 * Marks an interceptor class as one that reads the request body itself (as
 * the upload interceptors stream multipart/form-data), so the framework's body
 * parser leaves the body of its routes unread. The route builder asks once,
 * at start-up, through `consumesOwnBody`; nothing is read per request. It
 * lives here, in common, so that http/ can honour it without knowing who sets it.
 */
export function markBodyConsumer(type: Type): void {
  Reflect.defineMetadata(META.bodyConsumer, true, type);
}

/** True when this enhancer instance's class was marked with `markBodyConsumer`. */
export function consumesOwnBody(enhancer: unknown): boolean {
  if (typeof enhancer !== 'object' || enhancer === null) return false;
  return Reflect.getMetadata(META.bodyConsumer, enhancer.constructor) === true;
}
