/**
 * The one place a request's URL is made canonical. Middleware mounts, guards
 * and the router all read the result, so no spelling of a path can reach a
 * route while skipping a middleware mounted above it.
 *
 * The canonical form is RFC 3986 normalisation of the origin-form target:
 * - absolute-form (`GET http://host/a?b`) is reduced to its path and query;
 * - percent-encoded unreserved characters (`A-Z a-z 0-9 - . _ ~`) are decoded,
 *   every other escape keeps its encoding with upper-case hex (`%2f` → `%2F`),
 *   and raw bytes above ASCII are encoded, so equal paths are equal strings;
 * - `.` and `..` segments are resolved and `//` collapsed.
 * The router (find-my-way) then decodes the rest for parameters, and since
 * only reserved and non-ASCII characters are still encoded, its decoding can
 * never produce a different segment than the one middleware matched.
 * The query string is left as it came.
 */

const SLASH = 47;
const DOT = 46;
const PERCENT = 37;
const QUESTION = 63;
const HASH = 35;

/**
 * The canonical URL of a request target, or undefined when it is not a valid
 * origin-form or absolute-form target (answer 400). Already canonical targets,
 * the common case, are returned as they are after one scan.
 */
export function canonicalUrl(raw: string): string | undefined {
  if (raw.charCodeAt(0) === SLASH && isCanonical(raw)) return raw;
  return canonicalize(raw);
}

/** A mount prefix in the same canonical form: `''` for the root, never a trailing slash. */
export function canonicalPrefix(prefix: string): string | undefined {
  if (prefix === '' || prefix === '/') return '';
  if (prefix.includes('?') || prefix.includes('#')) return undefined;
  const url = canonicalUrl(prefix.charCodeAt(0) === SLASH ? prefix : `/${prefix}`);
  if (url === undefined) return undefined;
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** One scan of the path part: true when nothing in it could need normalising. */
function isCanonical(url: string): boolean {
  let previous = 0;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === QUESTION) return true;
    if (c === PERCENT || c === HASH || c <= 32 || c >= 127) return false;
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

function isUnreserved(byte: number): boolean {
  return (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
    || byte === 45 || byte === 46 || byte === 95 || byte === 126;
}

function escape(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

/**
 * Decodes escaped unreserved characters, upper-cases the other escapes and
 * encodes raw non-ASCII. Refuses control characters (raw or escaped: a decoded
 * CR, LF or NUL has no business in a path), `#`, malformed escapes and byte
 * sequences that are not UTF-8.
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
      if (isUnreserved(byte)) out += String.fromCharCode(byte);
      else { out += escape(byte); escapedBytes ||= byte >= 128; }
      i += 2;
    } else if (c <= 32 || c === 127 || c === HASH) {
      return undefined;
    } else if (c >= 128) {
      // Node hands request-line bytes over as latin1: one char per byte. Past
      // 0xFF it is a real character (an in-process caller), encoded as UTF-8.
      out += c <= 255 ? escape(c) : encodeURIComponent(String.fromCodePoint(path.codePointAt(i)!));
      if (c > 0xffff) i++;
      escapedBytes = true;
    } else {
      out += path[i];
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
