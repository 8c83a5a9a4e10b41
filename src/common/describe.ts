/**
 * Turns any value user code throws or logs into text, and never throws while
 * doing so. `String(x)` is not enough: it throws on objects without a
 * prototype and on symbols in templates, `JSON.stringify` throws on BigInt and
 * cycles, and a Proxy or a getter can throw on any property read.
 */

export interface ThrownDescription {
  message: string;
  stack: string | undefined;
}

const UNPRINTABLE = 'an unprintable value';

/** The message and, when there is one, the stack of a thrown value. */
export function describeThrown(value: unknown): ThrownDescription {
  try {
    if (typeof value === 'object' && value !== null) {
      const { message, stack } = value as { message?: unknown; stack?: unknown };
      return {
        message: typeof message === 'string' ? message : printable(value),
        stack: typeof stack === 'string' ? stack : undefined,
      };
    }
    return { message: printable(value), stack: undefined };
  } catch {
    return { message: UNPRINTABLE, stack: undefined };
  }
}

/** A value as one line of a log: strings as they are, errors by their stack, the rest as JSON where it can be. */
export function printable(value: unknown): string {
  try {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
    if (typeof value === 'object' && value !== null) {
      try {
        const json = JSON.stringify(value);
        if (json !== undefined) return json;
      } catch {
        // BigInt or a cycle: fall through to the type tag.
      }
      return Object.prototype.toString.call(value);
    }
    return String(value);
  } catch {
    return UNPRINTABLE;
  }
}

/** `value instanceof type`, false instead of a throw when the value is a Proxy whose traps throw. */
export function isInstance<T>(value: unknown, type: abstract new (...args: any[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}
