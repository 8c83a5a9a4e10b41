import { Errors } from '../errors.js';
import type { RouteHandler } from './route-pipeline.js';

/** One path for the router (find-my-way's syntax), and the name its `*` wildcard goes by, if Nest 11 named it. */
export interface RouterPath {
  path: string;
  wildcard?: string;
}

/** More optional parts than this in one path would register too many variants. */
const MAX_OPTIONAL_PARTS = 4;

/**
 * Brings a route path written in NestJS 11's syntax (Express 5's) to the
 * router's, once, at start-up:
 * - `{…}`, an optional part, becomes one path without it and one with it
 *   (`users{/:id}` is `/users` and `/users/:id`);
 * - `*name`, a named wildcard, as the last segment, becomes `*`, and the
 *   handler sees it as `params.name`, the list of segments it matched, as
 *   Express 5 gives it (`files/*path`: `/files/a/b` has `path` `['a', 'b']`).
 * Paths without either are returned as they are: `:id`, `:id?` and a bare
 * trailing `*` are find-my-way's own.
 */
export function routerPaths(path: string, where: string): RouterPath[] {
  if (!path.includes('{') && !/\/\*[A-Za-z_$]/.test(path)) return [{ path }];
  return withoutOptionalParts(path, where).map((variant) => namedWildcard(variant, where));
}

function withoutOptionalParts(path: string, where: string): string[] {
  const open = path.indexOf('{');
  if (open === -1) {
    if (path.includes('}')) throw Errors.INVALID_ROUTE_PATTERN(where, path, 'has a "}" without its "{"');
    return [path];
  }
  const close = path.indexOf('}', open);
  if (close === -1 || path.slice(open + 1, close).includes('{'))
    throw Errors.INVALID_ROUTE_PATTERN(where, path, 'has an optional part that does not close, or one inside another');
  if (path.split('{').length - 1 > MAX_OPTIONAL_PARTS) throw Errors.INVALID_ROUTE_PATTERN(where, path, `has more than ${MAX_OPTIONAL_PARTS} optional parts`);
  const before = path.slice(0, open);
  const after = path.slice(close + 1);
  const without = withoutOptionalParts(`${before}${after}`, where);
  const withPart = withoutOptionalParts(`${before}${path.slice(open + 1, close)}${after}`, where);
  return [...new Set([...without.map(tidy), ...withPart.map(tidy)])];
}

/** `/users/` left by a removed part is `/users`; the root stays `/`. */
function tidy(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

function namedWildcard(path: string, where: string): RouterPath {
  const match = /\/\*([A-Za-z_$][A-Za-z0-9_$]*)(.*)$/.exec(path);
  if (!match) return { path };
  if (match[2] !== '') throw Errors.INVALID_ROUTE_PATTERN(where, path, `has the wildcard *${match[1]} before its end: a wildcard must be the last segment`);
  return { path: `${path.slice(0, match.index)}/*`, wildcard: match[1] };
}

/** The route's handler, seeing find-my-way's `*` parameter under the wildcard's name, as a list of segments. */
export function withNamedWildcard(handler: RouteHandler, name: string): RouteHandler {
  return (req, res, params, query) => {
    const { '*': rest, ...named } = params ?? {};
    handler(req, res, { ...named, [name]: (rest === undefined || rest === '' ? undefined : rest.split('/')) as unknown as string }, query);
  };
}
