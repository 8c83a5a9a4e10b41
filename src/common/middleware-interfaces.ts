import type { RequestMethod } from './request-method.js';
import type { Type } from './types.js';
import type { VersionValue } from './version.decorator.js';

/** A route a middleware applies to, or is excluded from: a path in NestJS's syntax and a method (`RequestMethod.ALL` for every one). */
export interface RouteInfo {
  path: string;
  method: RequestMethod;
  /** With URI versioning: the version(s) whose paths (`/v1/…`) are meant. */
  version?: VersionValue;
}

/** A class middleware, built by the container with the dependencies of its module, as in NestJS. */
export interface NestMiddleware<TRequest = any, TResponse = any> {
  use(req: TRequest, res: TResponse, next: (error?: any) => void): any;
}

/** What `apply()` returns: say where the middleware runs. */
export interface MiddlewareConfigProxy {
  /** Routes the middleware skips, though `forRoutes()` covers them. Call before `forRoutes()`. */
  exclude(...routes: Array<string | RouteInfo>): MiddlewareConfigProxy;
  /** Where the middleware runs: paths (`'cats'`, `'cats/*'`, `'*'`), `{ path, method }`, or controller classes (all their routes). */
  forRoutes(...routes: Array<string | Type | RouteInfo>): MiddlewareConsumer;
}

/** Given to `configure()`: binds middleware to routes. */
export interface MiddlewareConsumer {
  /** Middleware classes (implementing NestMiddleware) or functions `(req, res, next)`, run in the order given. */
  apply(...middleware: Array<Type | Function | Array<Type | Function>>): MiddlewareConfigProxy;
}

/** A module with middleware: `configure(consumer)` runs once, at start-up, before the routes are built. */
export interface NestModule {
  configure(consumer: MiddlewareConsumer): unknown;
}
