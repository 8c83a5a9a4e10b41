import { Errors } from '../errors.js';
import { META } from './metadata-keys.js';

/** A route that answers whatever version a request names, and requests naming none, as in NestJS. */
export const VERSION_NEUTRAL = Symbol('VERSION_NEUTRAL');

/** One version, several, or VERSION_NEUTRAL. */
export type VersionValue = string | typeof VERSION_NEUTRAL | Array<string | typeof VERSION_NEUTRAL>;

export interface VersionOptions {
  /** The version(s) the routes answer, once `app.enableVersioning()` is on. */
  version?: VersionValue;
}

/**
 * The version(s) a route answers, overriding its controller's:
 * `@Version('2')`, `@Version(['1', '2'])`, `@Version(VERSION_NEUTRAL)`.
 * Ignored unless the app calls `enableVersioning()`.
 */
export function Version(version: VersionValue): MethodDecorator {
  const value = checkVersion(version, '@Version()');
  return (target, key) => Reflect.defineMetadata(META.version, value, target, key);
}

/** A version value checked (non-empty strings, no path or query characters) and without duplicates. */
export function checkVersion(version: VersionValue, where: string): VersionValue {
  const one = (v: unknown): v is string | typeof VERSION_NEUTRAL => v === VERSION_NEUTRAL || (typeof v === 'string' && /^[^\s/?#%\\]+$/.test(v));
  if (Array.isArray(version)) {
    if (version.length === 0 || !version.every(one)) throw Errors.INVALID_VERSION(where, describe(version));
    return [...new Set(version)];
  }
  if (!one(version)) throw Errors.INVALID_VERSION(where, describe(version));
  return version;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
