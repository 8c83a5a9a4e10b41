import { parse } from 'cookie';
import { unsign } from 'cookie-signature';

/** A request's cookies, read: plain ones, and those whose signature one of the secrets verified. */
export interface ReadCookies {
  cookies: Record<string, any>;
  signedCookies: Record<string, any>;
}

/**
 * Reads a Cookie header as cookie-parser does, with three differences that make
 * hostile input harmless:
 * - only the first `maxCookies` pairs are read, so a header of thousands of
 *   tiny cookies costs no more than a normal one;
 * - a signed cookie (`s:` + value + signature) whose signature none of the
 *   secrets verifies is absent from both objects (cookie-parser gives `false`);
 * - the objects have no prototype, so `cookies.constructor` or `__proto__`
 *   is only ever a cookie of that name.
 * A malformed header, a bad escape or bad JSON never throws: the value stays as
 * it came, or the pair is skipped.
 */
export function parseCookies(header: string | undefined, secrets: readonly string[], maxCookies: number): ReadCookies {
  const cookies: Record<string, any> = Object.create(null);
  const signedCookies: Record<string, any> = Object.create(null);
  if (typeof header !== 'string' || header.length < 2) return { cookies, signedCookies };
  const pairs = parse(firstPairs(header, maxCookies));
  for (const name of Object.keys(pairs)) {
    const raw = pairs[name]!;
    if (secrets.length > 0 && raw.startsWith('s:')) {
      const value = verified(raw.slice(2), secrets);
      if (value !== undefined) signedCookies[name] = jsonCookie(value);
    } else {
      cookies[name] = jsonCookie(raw);
    }
  }
  return { cookies, signedCookies };
}

/** The header up to its `max`-th `;`, so no more than `max` pairs are ever parsed. */
function firstPairs(header: string, max: number): string {
  let end = -1;
  for (let n = 0; n < max; n++) {
    end = header.indexOf(';', end + 1);
    if (end === -1) return header;
  }
  return header.slice(0, end);
}

/** The value, if any of the secrets signed it (compared in constant time by cookie-signature). */
function verified(signed: string, secrets: readonly string[]): string | undefined {
  for (const secret of secrets) {
    const value = unsign(signed, secret);
    if (value !== false) return value;
  }
  return undefined;
}

/** `j:` and JSON, as Express's `res.cookie` writes an object; anything that does not parse stays the string it was. */
function jsonCookie(value: string): unknown {
  if (!value.startsWith('j:')) return value;
  try {
    return JSON.parse(value.slice(2));
  } catch {
    return value;
  }
}
