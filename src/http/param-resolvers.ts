import type { ParamDefinition } from '../common/param.decorators.js';
import type { ArgumentMetadata, ExecutionContext, PipeTransform } from '../common/interfaces.js';
import type { HttpExecutionContext } from './execution-context.js';
import type { Type } from '../common/types.js';

/** Reads one handler argument from the request. Built once per parameter at start-up. */
export type Resolver = (ctx: HttpExecutionContext) => unknown;

/** One handler parameter, compiled: how to read it, then which pipes transform it. */
export interface CompiledParam {
  resolve: Resolver;
  pipes: PipeTransform[];
  metadata: ArgumentMetadata;
}

function pick(source: Record<string, unknown> | undefined, key: string | undefined): unknown {
  return key === undefined ? source : source?.[key];
}

export function resolverFor(def: ParamDefinition): Resolver {
  const key = def.data;
  switch (def.kind) {
    case 'param':
      return (ctx) => pick(ctx.request.params, key);
    case 'query':
      return (ctx) => pick(ctx.request.query, key);
    case 'body':
      return (ctx) => pick(ctx.request.body as Record<string, unknown> | undefined, key);
    case 'headers':
      return (ctx) => pick(ctx.request.headers, key);
    case 'req':
      return (ctx) => ctx.request;
    case 'res':
      return (ctx) => ctx.response;
    case 'next':
      return (ctx) => ctx.getNext();
    case 'ip':
      return (ctx) => ctx.request.socket?.remoteAddress;
    case 'custom': {
      const factory = def.factory!;
      return (ctx) => factory(key, ctx as ExecutionContext);
    }
  }
}

/** The `type` a pipe sees in its ArgumentMetadata. */
export function paramType(def: ParamDefinition): ArgumentMetadata['type'] {
  return def.kind === 'body' || def.kind === 'query' || def.kind === 'param' ? def.kind : 'custom';
}

export function argumentMetadata(def: ParamDefinition, metatype: Type | undefined): ArgumentMetadata {
  return { type: paramType(def), metatype, data: def.data };
}
