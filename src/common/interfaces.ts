import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Type } from './types.js';
// rxjs is an optional peer. The build marks this import `@ts-ignore` in the
// published types (scripts/mark-optional-types.mjs): without rxjs installed,
// `Observable` is then `any` instead of an error in the app's compile.
import type { Observable } from 'rxjs';

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

/** A request whose body bytes were kept (the app's `rawBody: true`), as NestJS types it. */
export type RawBodyRequest<T> = T & { rawBody?: Buffer };

export interface HttpArgumentsHost {
  /** Loosely typed by default, as in NestJS, so `getRequest().user` compiles; name the type to narrow it. */
  getRequest<T = any>(): T;
  getResponse<T = any>(): T;
  getNext<T = any>(): T;
}

/** NestJS's hosts for microservices and WebSockets: present so shared filters compile; here they hold nothing. */
export interface RpcArgumentsHost {
  getData<T = any>(): T;
  getContext<T = any>(): T;
}
export interface WsArgumentsHost {
  getData<T = any>(): T;
  getClient<T = any>(): T;
  getPattern(): string;
}

export interface ArgumentsHost {
  getArgs<T extends any[] = any[]>(): T;
  getArgByIndex<T = any>(index: number): T;
  switchToHttp(): HttpArgumentsHost;
  /** Always empty: streamnest serves HTTP only (`getType()` is `'http'`). */
  switchToRpc(): RpcArgumentsHost;
  /** Always empty: streamnest serves HTTP only (`getType()` is `'http'`). */
  switchToWs(): WsArgumentsHost;
  getType<T extends string = string>(): T;
}

export interface ExecutionContext extends ArgumentsHost {
  /** The controller class of the route. */
  getClass<T = unknown>(): Type<T>;
  /** The handler method of the route, where method metadata lives. */
  getHandler(): Function;
}

export interface CanActivate {
  canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean>;
}

export interface CallHandler<T = any> {
  /**
   * Runs the rest of the chain (inner interceptors, pipes, then the handler).
   * With rxjs installed it is an rxjs Observable, as in NestJS, that can also
   * be awaited; without rxjs it is a Promise.
   */
  handle(): Observable<T> & PromiseLike<T>;
}

/**
 * Wraps the pipes and the handler. `intercept` may return an Observable (as
 * NestJS interceptors do), a Promise or a plain value; on a plain route the
 * last value emitted is what gets sent, on an SSE route every event is.
 */
export interface NestInterceptor<T = any, R = any> {
  intercept(context: ExecutionContext, next: CallHandler<T>): Observable<R> | Promise<Observable<R>> | R | Promise<R>;
}

export type ParamType = 'body' | 'query' | 'param' | 'custom';
/** NestJS's spelling of ParamType. */
export type Paramtype = ParamType;
/** What kind of application a context belongs to: always 'http' here. */
export type ContextType = 'http' | 'ws' | 'rpc';
export interface PlainLiteralObject {
  [key: string]: any;
}

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

export interface OnModuleInit {
  onModuleInit(): unknown;
}
export interface OnApplicationBootstrap {
  onApplicationBootstrap(): unknown;
}
export interface OnModuleDestroy {
  onModuleDestroy(): unknown;
}
export interface BeforeApplicationShutdown {
  beforeApplicationShutdown(signal?: string): unknown;
}
export interface OnApplicationShutdown {
  onApplicationShutdown(signal?: string): unknown;
}

/** connect-style middleware, as Express and connect use it. */
export type NextFunction = (err?: unknown) => void;
export type Middleware = (req: any, res: any, next: NextFunction) => unknown;
