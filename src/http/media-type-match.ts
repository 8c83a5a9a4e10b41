import * as contentType from 'content-type';
import mime from 'mime-types';

/**
 * `req.is(...)` as Express (type-is) answers it, given the request's
 * Content-Type: the first of `types` that matches, or the actual type when the
 * match was through a wildcard or a `+suffix`; `false` when none matches or
 * the header is missing or malformed; with no `types`, the actual type.
 *
 * A type may be a media type (`application/json`), a wildcard (`text/*`,
 * `*\/json`), a `+suffix` (`+json`), an extension (`json`, `.html`), or one of
 * `urlencoded` and `multipart`.
 */
export function matchMediaType(header: string | undefined, types: readonly string[]): string | false {
  const actual = mediaType(header);
  if (actual === undefined) return false;
  if (types.length === 0) return actual;
  for (const type of types) {
    if (mimeMatch(expand(type), actual)) return type[0] === '+' || type.includes('*') ? actual : type;
  }
  return false;
}

/** A valid `type/subtype`, as RFC 6838 allows it (the parser has lowercased it). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

function mediaType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const { type } = contentType.parse(header, { parameters: false });
  return MEDIA_TYPE.test(type) ? type : undefined;
}

function expand(type: string): string | false {
  if (typeof type !== 'string') return false;
  if (type === 'urlencoded') return 'application/x-www-form-urlencoded';
  if (type === 'multipart') return 'multipart/*';
  if (type[0] === '+') return `*/*${type}`;
  return type.includes('/') ? type.toLowerCase() : mime.lookup(type);
}

function mimeMatch(expected: string | false, actual: string): boolean {
  if (expected === false) return false;
  const [actualType, actualSub, actualRest] = actual.split('/');
  const [expectedType, expectedSub, expectedRest] = expected.split('/');
  if (actualSub === undefined || actualRest !== undefined || expectedSub === undefined || expectedRest !== undefined) return false;
  if (expectedType !== '*' && expectedType !== actualType) return false;
  if (expectedSub.startsWith('*+')) return actualSub.length >= expectedSub.length - 1 && actualSub.endsWith(expectedSub.slice(1));
  return expectedSub === '*' || expectedSub === actualSub;
}
