/**
 * The one place a request's URL is made canonical. Middleware mounts, guards
 * and the router all read the result, so no spelling of a path can reach a
 * route while skipping a middleware mounted above it.
 *
 * The canonical form gives each path exactly one spelling, the one that means
 * the same to the router (find-my-way, which decodes paths with `decodeURI`):
 * - absolute-form (`GET http://host/a?b`) is reduced to its path and query;
 * - an escape the router decodes and that may stand raw in a path (letters,
 *   digits, `-._~!'()*`) is decoded: `/%61dmin` is `/admin`;
 * - an escape the router keeps (`%2F`, `%3B`, `%25`… the characters
 *   `decodeURI` leaves alone) stays, in upper-case hex: `/a%2fb` is `/a%2Fb`,
 *   still not `/a/b`;
 * - a character that may not stand raw (`"<>[\]^\`{|}`, bytes above ASCII)
 *   is encoded, whichever way it came;
 * - `.` and `..` segments are resolved and `//` collapsed.
 * Two targets then reach the same route exactly when their canonical forms are
 * equal strings, which is what a prefix match on them needs. The query string
 * is left as it came.
 */

const SLASH = 47;
const DOT = 46;
const PERCENT = 37;
const QUESTION = 63;
const HASH = 35;

/** Bytes whose escape the router decodes and which may stand raw: unreserved, and `!'()*`. */
const DECODED = new Uint8Array(128);
/** ASCII that may stand raw in a path: the above, plus `$&+,;=:@`, whose escapes the router keeps distinct. */
const RAW_OK = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!'()*") DECODED[ch.charCodeAt(0)] = 1;
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!'()*$&+,;=:@/") RAW_OK[ch.charCodeAt(0)] = 1;

/**
 * The canonical URL of a request target, or undefined when it is not a valid
 * origin-form or absolute-form target (answer 400). Already canonical targets,
 * the common case, are returned as they are after one scan.
 */
export function canonicalUrl(raw: string): string | undefined {
  if (raw.charCodeAt(0) === SLASH && isCanonical(raw)) return raw;
  return canonicalize(raw);
}

/**
 * A mount prefix in the same canonical form: `''` for the root, never a
 * trailing slash. A prefix is a JavaScript string, not request bytes, so its
 * non-ASCII characters are UTF-8 encoded first: `/café` guards `/caf%C3%A9`.
 */
export function canonicalPrefix(prefix: string): string | undefined {
  if (prefix === '' || prefix === '/') return '';
  if (prefix.includes('?') || prefix.includes('#')) return undefined;
  let encoded: string;
  try {
    encoded = prefix.replace(/[\x80-\uffff]+/g, encodeURIComponent);
  } catch {
    return undefined; // a lone surrogate
  }
  const url = canonicalUrl(encoded.charCodeAt(0) === SLASH ? encoded : `/${encoded}`);
  if (url === undefined) return undefined;
  const view = mountView(url);
  return view.endsWith('/') ? view.slice(0, -1) : view;
}

/**
 * The URL a mount prefix is matched against (the query is left alone). The router keeps `%2F` (and
 * `%5C`, a backslash) inside a segment, but decodes it in a parameter or a
 * wildcard, and serve-static in a file name, where it becomes a separator: so
 * for mounts, an encoded slash or backslash is a separator already, and the
 * dot segments it reveals are resolved. `/files/private%2Fsecret` is under a
 * middleware mounted at `/files/private`. Only paths holding such an escape,
 * rare, pay for this.
 */
export function mountView(url: string): string {
  if (url.indexOf('%2F') === -1 && url.indexOf('%5C') === -1) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return removeDotSegments(path.replace(/%2F|%5C/g, '/')) + (q === -1 ? '' : url.slice(q));
}

/** One scan of the path part: true when nothing in it could need normalising. */
function isCanonical(url: string): boolean {
  let previous = 0;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === QUESTION) return true;
    if (c >= 128 || RAW_OK[c] !== 1) return false;
    if (previous === SLASH && (c === SLASH || c === DOT)) return false;
    previous = c;
  }
  return true;
}

const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

function canonicalize(raw: string): string | undefined {
  let target = raw;
  if (target.charCodeAt(0) !== SLASH) {
    const authority = ABSOLUTE_FORM.exec(target);
    if (!authority) return undefined;
    target = target.slice(authority[0].length);
    if (target.charCodeAt(0) !== SLASH) target = `/${target}`;
  }
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q);
  const normalized = normalizeEscapes(path);
  if (normalized === undefined) return undefined;
  return removeDotSegments(normalized) + query;
}

const HEX = '0123456789ABCDEF';

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function percentEscape(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

/**
 * Brings every character to its one spelling (see the top of this file).
 * Refuses control characters (raw or escaped: a decoded CR, LF or NUL has no
 * business in a path), `#`, malformed escapes and bytes that are not UTF-8.
 */
function normalizeEscapes(path: string): string | undefined {
  let out = '';
  let escapedBytes = false;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === PERCENT) {
      const hi = hexValue(path.charCodeAt(i + 1));
      const lo = hexValue(path.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      const byte = (hi << 4) | lo;
      if (byte < 32 || byte === 127) return undefined;
      if (byte < 128 && DECODED[byte] === 1) out += String.fromCharCode(byte);
      else {
        out += percentEscape(byte);
        escapedBytes ||= byte >= 128;
      }
      i += 2;
    } else if (c <= 32 || c === 127 || c === HASH) {
      return undefined;
    } else if (c < 128) {
      out += RAW_OK[c] === 1 ? path[i] : percentEscape(c);
    } else {
      // Node hands request-line bytes over as latin1: one char per byte. Past
      // 0xFF it is a real character (an in-process caller), encoded as UTF-8.
      if (c <= 255) out += percentEscape(c);
      else {
        const point = path.codePointAt(i)!;
        if (point >= 0xd800 && point <= 0xdfff) return undefined; // a lone surrogate is no character
        if (point > 0xffff) i++;
        out += encodeURIComponent(String.fromCodePoint(point));
      }
      escapedBytes = true;
    }
  }
  if (escapedBytes && !isUtf8(out)) return undefined;
  return out;
}

function isUtf8(encoded: string): boolean {
  try {
    decodeURIComponent(encoded);
    return true;
  } catch {
    return false;
  }
}

/** Resolves `.` and `..` (never above the root) and collapses empty segments. */
function removeDotSegments(path: string): string {
  const segments: string[] = [];
  const parts = path.split('/');
  let trailing = false;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    trailing = part === '' || part === '.' || part === '..';
    if (part === '..') segments.pop();
    else if (part !== '' && part !== '.') segments.push(part);
  }
  const joined = `/${segments.join('/')}`;
  return trailing && segments.length > 0 ? `${joined}/` : joined;
}
