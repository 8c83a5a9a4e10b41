/**
 * A reference to a class that is not defined yet where it is written: two
 * modules that import each other, or two providers that inject each other.
 */
export interface ForwardReference<T = any> {
  forwardRef: () => T;
}

export function forwardRef<T = any>(fn: () => T): ForwardReference<T> {
  return { forwardRef: fn };
}

export function isForwardReference(value: unknown): value is ForwardReference {
  return typeof value === 'object' && value !== null && typeof (value as ForwardReference).forwardRef === 'function';
}

/** The value behind a forward reference, or the value itself. */
export function unwrapForwardRef<T>(value: T | ForwardReference<T>): T {
  return isForwardReference(value) ? value.forwardRef() : value;
}
