import { META, appendMetadata } from './metadata-keys.js';
import type { HttpMethod } from './types.js';

/** One route declared on a controller method. `ALL` answers every method. */
export interface RouteDefinition {
  method: HttpMethod | 'ALL';
  path: string;
  handlerName: string | symbol;
}

/** A route decorator; several paths (`@Get(['a', 'b'])`) declare one route each, as in NestJS. */
function route(method: RouteDefinition['method']) {
  return (path: string | string[] = ''): MethodDecorator => (target, handlerName) => {
    const paths = Array.isArray(path) ? path : [path];
    appendMetadata<RouteDefinition>(META.routes, paths.map((p) => ({ method, path: p, handlerName })), target.constructor);
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

/** Sets the status code of a successful response. */
export function HttpCode(status: number): MethodDecorator {
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new TypeError(`@HttpCode(): status must be an integer from 100 to 599, got ${status}`);
  return (target, key) => Reflect.defineMetadata(META.httpCode, status, target, key);
}

/** Sets a response header on every successful response of this route. */
export function Header(name: string, value: string): MethodDecorator {
  return (target, key) => appendMetadata(META.headers, [[name, value] as const], target, key);
}

export interface RedirectOptions { url: string; statusCode: number }

/**
 * Redirects to `url`. A handler may override it by returning `{ url, statusCode? }`.
 */
export function Redirect(url = '', statusCode = 302): MethodDecorator {
  return (target, key) => Reflect.defineMetadata(META.redirect, { url, statusCode }, target, key);
}
