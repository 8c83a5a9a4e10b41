import { printable } from '../common/describe.js';
import { Errors } from '../errors.js';

/** A time to live in ms: a finite number, 0 or more (0: never expires). */
export function checkTtl(what: string, ttl: unknown): number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0)
    throw Errors.INVALID_CACHE_OPTION(what, `ttl must be a number of milliseconds, 0 or more (0: never expires), got ${printable(ttl)}`);
  return Math.round(ttl);
}

/** A bound such as a store's `max` entries: a positive safe integer. */
export function checkPositive(what: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw Errors.INVALID_CACHE_OPTION(what, `${name} must be a positive integer, got ${printable(value)}`);
  return value;
}

export function checkKey(what: string, key: unknown): string {
  if (typeof key !== 'string') throw Errors.INVALID_CACHE_OPTION(what, `a cache key must be a string, got ${printable(key)}`);
  return key;
}
