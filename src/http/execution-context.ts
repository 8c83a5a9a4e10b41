import type { ExecutionContext, HttpArgumentsHost, Request, Response, RpcArgumentsHost, WsArgumentsHost } from '../common/interfaces.js';

/** What switchToRpc() and switchToWs() give on an HTTP request: nothing, as NestJS's hosts do off their transport. */
const NO_HOST: RpcArgumentsHost & WsArgumentsHost = {
  getData: <T>() => undefined as T,
  getContext: <T>() => undefined as T,
  getClient: <T>() => undefined as T,
  getPattern: () => '',
};
import type { Type } from '../common/types.js';

/** What guards, interceptors, pipes and filters see of one request. One small object per request. */
export class HttpExecutionContext implements ExecutionContext, HttpArgumentsHost {
  /** Express's `next`, on routes with a @Next() parameter only. */
  next: ((error?: unknown) => void) | undefined = undefined;

  constructor(
    private readonly controller: Type,
    private readonly handler: Function,
    readonly request: Request,
    readonly response: Response,
  ) {}

  getClass<T = unknown>(): Type<T> {
    return this.controller;
  }
  getHandler(): Function {
    return this.handler;
  }
  getArgs<T extends unknown[] = unknown[]>(): T {
    return [this.request, this.response] as unknown as T;
  }
  getArgByIndex<T = unknown>(index: number): T {
    return this.getArgs()[index] as T;
  }
  getType<T extends string = string>(): T {
    return 'http' as T;
  }
  switchToHttp(): HttpArgumentsHost {
    return this;
  }
  switchToRpc(): RpcArgumentsHost {
    return NO_HOST;
  }
  switchToWs(): WsArgumentsHost {
    return NO_HOST;
  }
  getRequest<T = Request>(): T {
    return this.request as T;
  }
  getResponse<T = Response>(): T {
    return this.response as T;
  }
  getNext<T = unknown>(): T {
    return this.next as T;
  }

  /**
   * The context of a request that no route matched (a 404, a 405, a middleware
   * error): global filters see it, and it has no class or handler.
   */
  static unrouted(request: Request, response: Response): HttpExecutionContext {
    return new HttpExecutionContext(undefined as unknown as Type, undefined as unknown as Function, request, response);
  }
}
