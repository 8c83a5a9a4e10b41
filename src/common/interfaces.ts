import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Type } from './types.js';

export type Request = (IncomingMessage | Http2ServerRequest) & {
  /** The parsed body, once body parsing ran. */
  body?: unknown;
  /** Path parameters of the matched route. */
  params?: Record<string, string | undefined>;
  /** The parsed query string. */
  query?: Record<string, string | string[]>;
  /** The URL before any middleware mount point was stripped. */
  originalUrl?: string;
};
export type Response = ServerResponse | Http2ServerResponse;

export interface HttpArgumentsHost {
  getRequest<T = Request>(): T;
  getResponse<T = Response>(): T;
  getNext<T = unknown>(): T;
}

export interface ArgumentsHost {
  getArgs<T extends unknown[] = unknown[]>(): T;
  getArgByIndex<T = unknown>(index: number): T;
  switchToHttp(): HttpArgumentsHost;
  getType<T extends string = string>(): T;
}

export interface ExecutionContext extends ArgumentsHost {
  /** The controller class of the route. */
  getClass<T = unknown>(): Type<T>;
  /** The handler method of the route, where method metadata lives. */
  getHandler(): Function;
}

export interface CanActivate {
  canActivate(context: ExecutionContext): boolean | Promise<boolean> | { subscribe: Function };
}

export interface CallHandler<T = unknown> {
  /** Runs the rest of the chain (inner interceptors, then the handler) and resolves to its result. */
  handle(): Promise<T>;
}

/**
 * Wraps the handler. `intercept` may return a value, a Promise, or an
 * Observable-like value (whose last emission is taken), so NestJS interceptors
 * written with rxjs port over.
 */
export interface NestInterceptor<T = unknown, R = unknown> {
  intercept(context: ExecutionContext, next: CallHandler<T>): R | Promise<R> | { subscribe: Function };
}

export type ParamType = 'body' | 'query' | 'param' | 'custom';

export interface ArgumentMetadata {
  type: ParamType;
  /** The declared type of the parameter, from `design:paramtypes`. */
  metatype?: Type;
  /** The name passed to the decorator, as in `@Query('page')`. */
  data?: string;
}

export interface PipeTransform<T = any, R = any> {
  transform(value: T, metadata: ArgumentMetadata): R | Promise<R>;
}

export interface ExceptionFilter<T = any> {
  catch(exception: T, host: ArgumentsHost): unknown;
}

export interface OnModuleInit { onModuleInit(): unknown }
export interface OnApplicationBootstrap { onApplicationBootstrap(): unknown }
export interface OnModuleDestroy { onModuleDestroy(): unknown }
export interface BeforeApplicationShutdown { beforeApplicationShutdown(signal?: string): unknown }
export interface OnApplicationShutdown { onApplicationShutdown(signal?: string): unknown }

/** connect-style middleware, as Express and connect use it. */
export type NextFunction = (err?: unknown) => void;
export type Middleware = (req: any, res: any, next: NextFunction) => unknown;
