import type { ArgumentsHost, CallHandler, ExecutionContext } from '../common/interfaces.js';
import type { Type } from '../common/types.js';
import { Errors } from '../errors.js';
import type { ModuleNode } from './module-graph.js';
import { contextOfRequest, type ResolutionContext } from './request-context.js';

/** What a stand-in needs of the container: the enhancer's instance within one request's context. */
export interface ScopedEnhancers {
  enhancerInContext(type: Type, module: ModuleNode, context: ResolutionContext): Promise<unknown>;
}

/** Marks the stand-in of a request-scoped enhancer, so a route can refuse one used as a pipe at start-up. */
export const REQUEST_SCOPED_ENHANCER = Symbol('streamnest.request-scoped-enhancer');

/**
 * A guard, interceptor or exception filter that is request-scoped (or needs
 * something that is) cannot be built once at start-up. The route gets this
 * stand-in instead: on each call it finds the request's instance (made on
 * first use, in the request's context) and hands the call to it. A pipe
 * cannot be one: `transform` is not given the request.
 */
export function requestScopedEnhancer(container: ScopedEnhancers, type: Type, module: ModuleNode): object {
  const instanceFor = (host: ArgumentsHost) => container.enhancerInContext(type, module, contextOfRequest(host.switchToHttp().getRequest())) as Promise<any>;
  const standIn = {
    [REQUEST_SCOPED_ENHANCER]: type,
    canActivate: async (context: ExecutionContext) => (await instanceFor(context)).canActivate(context),
    intercept: async (context: ExecutionContext, next: CallHandler) => (await instanceFor(context)).intercept(context, next),
    catch: async (exception: unknown, host: ArgumentsHost) => (await instanceFor(host)).catch(exception, host),
    transform: () => {
      throw Errors.SCOPED_OUTSIDE_REQUEST(type.name);
    },
  };
  // bindFilter reads @Catch() from the constructor: the stand-in answers with the real class's.
  Object.defineProperty(standIn, 'constructor', { value: type });
  return standIn;
}

export function isRequestScopedStandIn(value: unknown): boolean {
  return typeof value === 'object' && value !== null && REQUEST_SCOPED_ENHANCER in value;
}
