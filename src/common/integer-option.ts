import { printable } from './describe.js';

/**
 * Checks one numeric option at start-up: a safe integer of at least `min`.
 * `invalid` makes the coded error of the caller's domain from the rule broken.
 */
export function integerOption(value: unknown, min: number, invalid: (rule: string) => Error): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(`must be an integer of at least ${min}, got ${printable(value)}`);
  }
  return value;
}
