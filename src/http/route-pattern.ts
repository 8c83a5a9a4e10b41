import { Errors } from '../errors.js';
import { canonicalUrl } from './request-target.js';

/**
 * Route paths written in NestJS's syntax, for what matches requests by path
 * outside the router: middleware from `configure(consumer)` and the global
 * prefix's exclusions. Each pattern is compiled once, at start-up, into a
 * RegExp over canonical paths (request-target.ts), so no spelling of a path
 * matches differently from the route it reaches.
 *
 * The syntax takes both NestJS 10's and NestJS 11's forms:
 * - `:id` one segment (`:id?` optional, `:id(\\d+)` taken as one segment);
 * - `*` anything, slashes included: `cats/*` is `cats` and all below it, `ab*cd` is `abcd`, `ab-x/y-cd`…;
 *   `(.*)` is the same;
 * - `*name` at the start of a segment, Nest 11's named wildcard: at least one character (`cats/*rest`
 *   is what is below `cats`, not `cats` itself);
 * - `{…}` an optional part (`cats{/*rest}`);
 * - `\` escapes the next character.
 *
 * Literal text is brought to its canonical spelling (`café` matches `/caf%C3%A9`),
 * matching is case-sensitive, as the router is, and a trailing slash never
 * matters, as for the router.
 */
export type PatternMode =
  /** The whole path: a route, as Express's `app.get(path)`. */
  | 'exact'
  /** The path and everything below it, as Express's `app.use(path)`. */
  | 'prefix';

const NAME = /[A-Za-z0-9_$]/;
const UNSUPPORTED = '()[]?+!';

/** Compiles `pattern`; `where` names the caller for the error a malformed pattern gets. */
export function compilePattern(pattern: string, mode: PatternMode, where: string): RegExp {
  if (typeof pattern !== 'string') throw Errors.INVALID_ROUTE_PATTERN(where, String(pattern), 'is not a string');
  const source = translate(pattern, where);
  if (mode === 'exact') return new RegExp(`^${source}$`);
  return source === '\\/' ? /^\// : new RegExp(`^${source}(?:\\/[\\s\\S]*)?$`);
}

/**
 * A route path as the router reads it (find-my-way: `:param`, `:param(regexp)`,
 * `*`, everything else literal), written as a pattern: what `forRoutes(Controller)` matches.
 */
export function routePathAsPattern(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === ':' && path[i + 1] === ':') {
      out += '\\:';
      i++;
      continue;
    }
    if (c === ':') {
      let end = i + 1;
      while (end < path.length && NAME.test(path[end]!)) end++;
      if (path[end] === '(') {
        let depth = 0;
        for (; end < path.length; end++) {
          if (path[end] === '\\') end++;
          else if (path[end] === '(') depth++;
          else if (path[end] === ')' && --depth === 0) {
            end++;
            break;
          }
        }
      }
      if (path[end] === '?') end++;
      out += path.slice(i, end);
      i = end - 1;
    } else {
      out += '{}[]()?+!\\'.includes(c) ? `\\${c}` : c;
    }
  }
  return out;
}

/** What patterns are matched against: the path of a canonical URL, without query or trailing slash. */
export function patternSubject(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 1 && path.charCodeAt(path.length - 1) === 47 ? path.slice(0, -1) : path;
}

function translate(pattern: string, where: string): string {
  let p = pattern.charCodeAt(0) === 47 ? pattern : `/${pattern}`;
  while (p.length > 1 && p.endsWith('/') && !p.endsWith('\\/')) p = p.slice(0, -1);
  const fail = (detail: string) => Errors.INVALID_ROUTE_PATTERN(where, pattern, detail);
  let out = '';
  let literal = '';
  let depth = 0;
  const flush = () => {
    if (literal !== '') out += escapeRegExp(canonicalLiteral(literal, fail));
    literal = '';
  };
  /** A wildcard: after a slash, the slash goes with it, so `cats/*` also matches `cats` itself. */
  const anything = (next: string | undefined) => {
    if (literal.endsWith('/') && (next === undefined || next === '/' || next === '}')) {
      literal = literal.slice(0, -1);
      flush();
      out += '(?:\\/[\\s\\S]*)?';
    } else {
      flush();
      out += '[\\s\\S]*';
    }
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      if (i + 1 >= p.length) throw fail('ends with a lone \\');
      literal += p[++i];
    } else if (c === ':') {
      if (p[i + 1] === ':') {
        literal += ':';
        i++;
        continue;
      }
      let end = i + 1;
      while (end < p.length && NAME.test(p[end]!)) end++;
      if (end === i + 1) throw fail(`has a ':' without a parameter name (at ${i})`);
      i = end - 1;
      if (p[i + 1] === '(') i = closingParen(p, i + 1, fail);
      const optional = p[i + 1] === '?';
      if (optional) i++;
      if (optional && literal.endsWith('/')) {
        literal = literal.slice(0, -1);
        flush();
        out += '(?:\\/[^/]+)?';
      } else {
        flush();
        out += optional ? '(?:[^/]+)?' : '[^/]+';
      }
    } else if (c === '*') {
      const startsSegment = i === 0 || p[i - 1] === '/' || p[i - 1] === '{';
      if (startsSegment && NAME.test(p[i + 1] ?? '')) {
        while (i + 1 < p.length && NAME.test(p[i + 1]!)) i++;
        flush();
        out += '[\\s\\S]+';
      } else {
        anything(p[i + 1]);
      }
    } else if (p.startsWith('(.*)', i)) {
      i += 3;
      anything(p[i + 1]);
    } else if (c === '{') {
      flush();
      out += '(?:';
      depth++;
    } else if (c === '}') {
      if (depth === 0) throw fail("has a '}' without its '{'");
      flush();
      out += ')?';
      depth--;
    } else if (UNSUPPORTED.includes(c)) {
      throw fail(`has '${c}', which means nothing in a path here (escape it with \\ to match it as it is)`);
    } else {
      literal += c;
    }
  }
  if (depth > 0) throw fail("has a '{' without its '}'");
  flush();
  return out;
}

function closingParen(p: string, open: number, fail: (detail: string) => Error): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '(') depth++;
    else if (p[i] === ')' && --depth === 0) return i;
  }
  throw fail("has a '(' without its ')'");
}

/** Literal text in the one spelling request paths are brought to (request-target.ts). */
function canonicalLiteral(text: string, fail: (detail: string) => Error): string {
  return text
    .replace(/\/{2,}/g, '/')
    .split('/')
    .map((piece) => {
      if (piece === '') return '';
      if (piece === '.' || piece === '..') throw fail('has a dot segment, which no request path keeps');
      let encoded: string;
      try {
        encoded = piece.replace(/ /g, '%20').replace(/[\x80-\uffff]+/g, encodeURIComponent);
      } catch {
        throw fail('has a lone surrogate');
      }
      const canonical = canonicalUrl(`/${encoded}`);
      if (canonical === undefined || canonical.includes('?')) throw fail(`has ${JSON.stringify(piece)}, which cannot stand in a URL path`);
      return canonical.slice(1);
    })
    .join('/');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
