import { META, appendMetadata } from './metadata-keys.js';
import { Errors } from '../errors.js';
import type { HttpMethod } from './types.js';
import { RequestMethod } from './request-method.js';
import { printable } from './describe.js';
import { checkAliasOptions, type AliasOptions } from './route-alias.js';

/** One route declared on a controller method. `ALL` answers every method. */
export interface RouteDefinition {
  method: HttpMethod | 'ALL';
  path: string;
  handlerName: string | symbol;
  /** Extra full paths this route is also served at (see AliasOptions). */
  alias?: string[];
  /** Only the aliases are served (or the route's path, taken as a full path, when it has none). */
  aliasOnly?: boolean;
}

/**
 * A route decorator; several paths (`@Get(['a', 'b'])`) declare one route each, as in NestJS.
 * `aliases` (deno_nest's second argument) serves the route at extra full paths too.
 */
function route(method: RouteDefinition['method']) {
  return (path: string | string[] = '', aliases?: AliasOptions): MethodDecorator => {
    const { alias, aliasOnly } = checkAliasOptions(aliases ?? {}, `@${method[0]}${method.slice(1).toLowerCase()}()`, true);
    return (target, handlerName) => {
      const paths = Array.isArray(path) ? path : [path];
      appendMetadata<RouteDefinition>(
        META.routes,
        paths.map((p) => ({ method, path: p, handlerName, ...(alias === undefined ? {} : { alias }), ...(aliasOnly ? { aliasOnly } : {}) })),
        target.constructor,
      );
    };
  };
}

export const Get = route('GET');
export const Post = route('POST');
export const Put = route('PUT');
export const Patch = route('PATCH');
export const Delete = route('DELETE');
export const Head = route('HEAD');
export const Options = route('OPTIONS');
export const All = route('ALL');
export const Search = route('SEARCH');
export const Propfind = route('PROPFIND');
export const Proppatch = route('PROPPATCH');
export const Mkcol = route('MKCOL');
export const Copy = route('COPY');
export const Move = route('MOVE');
export const Lock = route('LOCK');
export const Unlock = route('UNLOCK');
/** The QUERY method (a GET with a body); NestJS's name, since `@Query()` reads the query string. */
export const QueryMethod = route('QUERY');

/** Sets the status code of a successful response. */
export function HttpCode(status: number): MethodDecorator {
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw Errors.INVALID_ARGUMENT('@HttpCode()', 'status must be an integer from 100 to 599', printable(status));
  return (target, key) => Reflect.defineMetadata(META.httpCode, status, target, key);
}

/** Sets a response header on every successful response of this route. */
export function Header(name: string, value: string): MethodDecorator {
  return (target, key) => appendMetadata(META.headers, [[name, value] as const], target, key);
}

export interface RedirectOptions {
  url: string;
  statusCode: number;
}

/**
 * Redirects to `url`. A handler may override it by returning `{ url, statusCode? }`.
 */
export function Redirect(url = '', statusCode = 302): MethodDecorator {
  return (target, key) => Reflect.defineMetadata(META.redirect, { url, statusCode }, target, key);
}

/** NestJS's options of @RequestMapping(). */
export interface RequestMappingMetadata {
  path?: string | string[];
  method?: RequestMethod;
}

const MAPPABLE: Partial<Record<RequestMethod, RouteDefinition['method']>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.DELETE]: 'DELETE',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.ALL]: 'ALL',
  [RequestMethod.OPTIONS]: 'OPTIONS',
  [RequestMethod.HEAD]: 'HEAD',
  [RequestMethod.SEARCH]: 'SEARCH',
  [RequestMethod.PROPFIND]: 'PROPFIND',
  [RequestMethod.PROPPATCH]: 'PROPPATCH',
  [RequestMethod.MKCOL]: 'MKCOL',
  [RequestMethod.COPY]: 'COPY',
  [RequestMethod.MOVE]: 'MOVE',
  [RequestMethod.LOCK]: 'LOCK',
  [RequestMethod.UNLOCK]: 'UNLOCK',
  [RequestMethod.QUERY]: 'QUERY',
};

/** A route by path and method, as NestJS's @RequestMapping() (GET when no method is given). */
export function RequestMapping(metadata: RequestMappingMetadata = {}): MethodDecorator {
  const method = MAPPABLE[metadata.method ?? RequestMethod.GET];
  if (method === undefined) throw Errors.INVALID_ARGUMENT('@RequestMapping()', 'a RequestMethod', String(metadata.method));
  return route(method)(metadata.path ?? '');
}

/** What a @Redirect() handler may return to change the target, as NestJS names it. */
export interface HttpRedirectResponse {
  url: string;
  statusCode: number;
}
