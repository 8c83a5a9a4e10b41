import type { Request, Response } from '../common/interfaces.js';
import { respond } from './respond.js';
import { hostnameOf } from './router.js';

/**
 * The response operations an exception filter (or any code) may call without
 * knowing the server underneath, as NestJS's `HttpServer` interface. A
 * BaseExceptionFilter may be given any object with these.
 */
export interface HttpServer<TRequest = any, TResponse = any> {
  reply(response: TResponse, body: unknown, statusCode?: number): unknown;
  status(response: TResponse, statusCode: number): unknown;
  end(response: TResponse, message?: string): unknown;
  isHeadersSent(response: TResponse): boolean;
  setHeader(response: TResponse, name: string, value: string): unknown;
  getRequestUrl?(request: TRequest): string;
  getRequestMethod?(request: TRequest): string;
  getRequestHostname?(request: TRequest): string;
  getHttpServer?(): unknown;
  getInstance?(): unknown;
}

/**
 * streamnest's answer to NestJS's `httpAdapter` (`app.get(HttpAdapterHost).httpAdapter`):
 * the platform-neutral operations on Node's request and response.
 */
export class HttpAdapter implements HttpServer<Request, Response> {
  private httpServer: unknown;
  private instance: unknown;

  /**
   * Sends `body` as a handler's result would be sent (JSON for objects, text for
   * strings, bytes, streams, a StreamableFile), with `statusCode` if given.
   * An error body (`statusCode` 400 or more) always goes out as JSON.
   */
  reply(response: Response, body: unknown, statusCode?: number): void | Promise<void> {
    const status = statusCode ?? response.statusCode;
    const type = response.getHeader('Content-Type');
    if (typeof type === 'string' && !type.startsWith('application/json') && isErrorBody(body)) response.removeHeader('Content-Type');
    return respond(response, body, status);
  }

  status(response: Response, statusCode: number): void {
    response.statusCode = statusCode;
  }

  end(response: Response, message?: string): void {
    if (message === undefined) response.end();
    else response.end(message);
  }

  isHeadersSent(response: Response): boolean {
    return response.headersSent;
  }

  setHeader(response: Response, name: string, value: string): void {
    response.setHeader(name, value);
  }

  getHeader(response: Response, name: string): number | string | string[] | undefined {
    return response.getHeader(name);
  }

  appendHeader(response: Response, name: string, value: string): void {
    const current = response.getHeader(name);
    if (current === undefined) response.setHeader(name, value);
    else response.setHeader(name, [...(Array.isArray(current) ? current : [String(current)]), value]);
  }

  redirect(response: Response, statusCode: number, url: string): void {
    response.statusCode = statusCode;
    response.setHeader('Location', url);
    response.setHeader('Content-Length', 0);
    response.end();
  }

  /** The URL as the client sent it, before any middleware mount point was stripped (Express's `originalUrl`). */
  getRequestUrl(request: Request): string {
    return request.originalUrl ?? request.url ?? '/';
  }

  getRequestMethod(request: Request): string {
    return request.method ?? 'GET';
  }

  /** The host the client asked for, without the port: the `Host` header, or `:authority` over HTTP/2. */
  getRequestHostname(request: Request): string {
    return hostnameOf(request);
  }

  /** The Node server the application listens on; `undefined` until the platform attaches it. */
  getHttpServer<T = unknown>(): T {
    return this.httpServer as T;
  }

  setHttpServer(server: unknown): void {
    this.httpServer = server;
  }

  /** The underlying framework instance (NestJS: the Express app); `undefined` until the platform attaches one. */
  getInstance<T = unknown>(): T {
    return this.instance as T;
  }

  setInstance(instance: unknown): void {
    this.instance = instance;
  }

  getType(): string {
    return 'streamnest';
  }
}

function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const code = (body as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' && code >= 400;
}

/**
 * Gives access to the application's HttpAdapter, as NestJS's HttpAdapterHost:
 * inject it (`constructor(private readonly adapterHost: HttpAdapterHost)`) or
 * `app.get(HttpAdapterHost)`. One per application, always provided.
 */
export class HttpAdapterHost<T extends HttpAdapter = HttpAdapter> {
  private adapter: T;
  private isListening = false;

  constructor(adapter?: T) {
    this.adapter = adapter ?? (new HttpAdapter() as T);
  }

  get httpAdapter(): T {
    return this.adapter;
  }

  set httpAdapter(adapter: T) {
    this.adapter = adapter;
  }

  /** Whether the application is listening, once the platform reports it. */
  get listening(): boolean {
    return this.isListening;
  }

  set listening(listening: boolean) {
    this.isListening = listening;
  }
}
