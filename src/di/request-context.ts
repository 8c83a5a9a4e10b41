import type { ProviderDefinition } from './module-graph.js';

/**
 * The instances of request-scoped providers for one request (or one
 * `ContextIdFactory.create()`): built on first use, shared within the
 * context, dropped with it.
 */
export interface ContextId {
  readonly id: number;
  /** The request this context belongs to, injected as REQUEST. */
  readonly request?: unknown;
}

export interface ResolutionContext extends ContextId {
  readonly instances: Map<ProviderDefinition, Promise<unknown>>;
}

let next = 1;
const byRequest = new WeakMap<object, ResolutionContext>();

export function createContext(request?: unknown): ResolutionContext {
  return { id: next++, request, instances: new Map() };
}

/** The context of a request, made on first use: one per request, found again from the request object. */
export function contextOfRequest(request: object): ResolutionContext {
  let context = byRequest.get(request);
  if (!context) byRequest.set(request, (context = createContext(request)));
  return context;
}

/** As in NestJS: contexts for `moduleRef.resolve(token, contextId)`. */
export const ContextIdFactory = {
  create(): ContextId {
    return createContext();
  },
  getByRequest(request: object): ContextId {
    return contextOfRequest(request);
  },
};

/** NestJS's shortcut for ContextIdFactory.create(). */
export function createContextId(): ContextId {
  return createContext();
}

export function asResolutionContext(contextId: ContextId | undefined): ResolutionContext {
  if (contextId && 'instances' in contextId) return contextId as ResolutionContext;
  return createContext((contextId as ContextId | undefined)?.request);
}
