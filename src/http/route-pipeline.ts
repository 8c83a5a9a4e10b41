import { ForbiddenException, NotFoundException } from '../common/exceptions.js';
import type { CanActivate, Request, Response } from '../common/interfaces.js';
import type { Type } from '../common/types.js';
import { HttpExecutionContext } from './execution-context.js';
import { handleException, type BoundFilter } from './exception-handler.js';
import { hasBody, parseBody, type BodyLimits } from './body-parser.js';
import { isObservableLike, isPromiseLike, lastValue } from '../common/stream-detection.js';
import type { InterceptorChain } from './interceptor-chain.js';
import type { CompiledParam } from './param-resolvers.js';

/**
 * What the router calls for a matched request: with its parameters and parsed
 * query, or neither for a path matched as spelled with no query string (the
 * request's own getters then make empty ones if something reads them).
 */
export type RouteHandler = (
  req: Request,
  res: Response,
  params: Record<string, string | undefined> | undefined,
  query: Record<string, string | string[]> | undefined,
) => void;

/** Sends a handler's result: plain HTTP or SSE, chosen once per route. */
export type Sender = (ctx: HttpExecutionContext, result: unknown, status?: number) => void | Promise<void>;

/** Everything a route needs at request time, resolved at start-up. */
export interface RoutePlan {
  controller: Type;
  /** The controller instance; undefined when it is request-scoped and `instanceFor` makes one per request. */
  instance: object | undefined;
  instanceFor?: (req: Request) => Promise<object>;
  handler: Function;
  guards: CanActivate[];
  /** The route's interceptors composed once (see interceptor-chain.ts); undefined when it has none. */
  chain: InterceptorChain | undefined;
  params: CompiledParam[];
  filters: BoundFilter[];
  send: Sender;
  /** The handler owns the response (@Res without passthrough): send nothing. */
  ownsResponse: boolean;
  /** Set on the response before anything runs (passthrough routes, whose handler may change it). */
  initialStatus?: number;
  /** The handler takes @Next(): give it Express's `next`. */
  usesNext?: boolean;
  /** How to read the body when one comes; `false` when the app disabled body parsing or the route is SSE. */
  body: BodyLimits | false;
}

/**
 * Compiles a route into one function. When the route has no guards,
 * interceptors or pipes, a request runs synchronously from router to `res.end`
 * with no Promise at all; otherwise it takes the general async path.
 */
export function compileRoute(plan: RoutePlan): RouteHandler {
  const { controller, instance, instanceFor, handler, params, guards, chain, filters, send, ownsResponse, body, initialStatus, usesNext } = plan;
  const simple = instanceFor === undefined && guards.length === 0 && chain === undefined && params.every((p) => p.pipes.length === 0);

  const fail = (error: unknown, ctx: HttpExecutionContext) => {
    void handleException(error, ctx, filters);
  };
  /**
   * Sending is inside the error path too: serialising a circular object or a
   * BigInt, or an @Sse result that cannot stream, throws here, often inside a
   * promise continuation where an escaping throw would end the process.
   */
  const finish = (ctx: HttpExecutionContext, result: unknown) => {
    if (ownsResponse) return;
    try {
      const sent = send(ctx, result);
      if (sent) sent.catch((error) => fail(error, ctx));
    } catch (error) {
      fail(error, ctx);
    }
  };

  async function runAsync(ctx: HttpExecutionContext): Promise<void> {
    const req = ctx.request;
    if (body !== false && req.body === undefined && hasBody(req)) req.body = await parseBody(req, ctx.response, body);
    for (const guard of guards) {
      if (!(await settle(guard.canActivate(ctx)))) throw new ForbiddenException('Forbidden resource');
    }
    const self = instanceFor === undefined ? instance : await instanceFor(req);
    // Nest's order: interceptors wrap the pipes too, so they see (and may map) a pipe's 400.
    const call = async () => handler.apply(self, await resolveArgs(ctx));
    const result = chain === undefined ? await call() : await chain(ctx, call);
    finish(ctx, result);
  }

  async function resolveArgs(ctx: HttpExecutionContext): Promise<unknown[]> {
    const args = new Array(params.length);
    for (let i = 0; i < params.length; i++) {
      const param = params[i]!;
      let value = param.resolve(ctx);
      for (const pipe of param.pipes) value = await pipe.transform(value, param.metadata);
      args[i] = value;
    }
    return args;
  }

  /** `next(error)` answers with the error; `next()` finds no other route to take the request: a 404, as Express would. */
  const nextFor = (ctx: HttpExecutionContext) => (error?: unknown) => {
    if (error !== undefined && error !== null && error !== 'route') fail(error, ctx);
    else fail(new NotFoundException(`Cannot ${ctx.request.method} ${(ctx.request.url ?? '/').split('?')[0]}`), ctx);
  };

  return function route(req, res, routeParams, query) {
    if (routeParams !== undefined) req.params = routeParams;
    // A middleware that read or set `req.query` keeps what it has (the same parse of the same query string, or its own change).
    if (query !== undefined && !Object.hasOwn(req, 'query')) req.query = query;
    if (initialStatus !== undefined) res.statusCode = initialStatus;
    const ctx = new HttpExecutionContext(controller, handler, req, res);
    if (usesNext) ctx.next = nextFor(ctx);
    if (!simple || (body !== false && req.body === undefined && hasBody(req))) {
      runAsync(ctx).catch((error) => fail(error, ctx));
      return;
    }
    try {
      const args = new Array(params.length);
      for (let i = 0; i < params.length; i++) args[i] = params[i]!.resolve(ctx);
      const result = handler.apply(instance, args);
      if (isPromiseLike(result))
        result.then(
          (value) => finish(ctx, value),
          (error) => fail(error, ctx),
        );
      else finish(ctx, result);
    } catch (error) {
      fail(error, ctx);
    }
  };
}

/** Guards and interceptors may answer with a value, a Promise or an Observable-like. */
function settle(value: unknown): Promise<unknown> | unknown {
  if (isObservableLike(value)) return lastValue(value);
  return value;
}
