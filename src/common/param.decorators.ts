import { META, appendMetadata } from './metadata-keys.js';
import type { Enhancer } from './enhancer.decorators.js';
import type { ExecutionContext, PipeTransform, Request as RequestType, Response as ResponseType } from './interfaces.js';
import { Errors } from '../errors.js';

export type ParamKind = 'param' | 'query' | 'body' | 'headers' | 'req' | 'res' | 'next' | 'ip' | 'custom';

/** What a parameter decorator's `data` may be, as NestJS types it. */
export type ParamData = object | string | number;

/** The options of @Res(), as NestJS names them. */
export interface ResponseDecoratorOptions {
  passthrough: boolean;
}

/** One decorated handler parameter, as recorded at decoration time. */
export interface ParamDefinition {
  index: number;
  kind: ParamKind;
  data?: string;
  pipes: Enhancer<PipeTransform>[];
  /** For custom decorators: computes the value from the request. */
  factory?: (data: any, ctx: ExecutionContext) => unknown;
  /** For @Res({ passthrough: true }): the framework still sends the handler's result. */
  passthrough?: boolean;
}

function record(definition: Omit<ParamDefinition, 'index'>): ParameterDecorator {
  return (target, property, index) => {
    if (property === undefined)
      throw Errors.DECORATOR_PLACEMENT('a route parameter decorator (@Param(), @Body(), @Query()…)', 'a parameter of a handler method, not of a constructor');
    appendMetadata<ParamDefinition>(META.params, [{ ...definition, index }], target, property);
  };
}

function withData(kind: ParamKind) {
  return (dataOrPipe?: string | Enhancer<PipeTransform>, ...pipes: Enhancer<PipeTransform>[]): ParameterDecorator =>
    typeof dataOrPipe === 'string' || dataOrPipe === undefined ? record({ kind, data: dataOrPipe, pipes }) : record({ kind, pipes: [dataOrPipe, ...pipes] });
}

/** A path parameter, or all of them as an object. */
export const Param = withData('param');
/** A query-string value, or the whole parsed query. */
export const Query = withData('query');
/** The parsed body, or one property of it. */
export const Body = withData('body');

/** A request header (by lowercase name), or all of them. */
export function Headers(name?: string): ParameterDecorator {
  return record({ kind: 'headers', data: name?.toLowerCase(), pipes: [] });
}
/** The Node request object. */
export function Req(): ParameterDecorator {
  return record({ kind: 'req', pipes: [] });
}
/** NestJS's long name for @Req(); as a type, the request (see interfaces.ts). */
export const Request = Req;
export type Request = RequestType;
/**
 * The Node response object. The handler then owns the response and the framework
 * sends nothing, unless `passthrough: true`.
 */
export function Res(options: { passthrough?: boolean } = {}): ParameterDecorator {
  return record({ kind: 'res', pipes: [], passthrough: options.passthrough === true });
}
/** NestJS's long name for @Res(); as a type, the response. */
export const Response = Res;
export type Response = ResponseType;
/**
 * Express's `next`, as NestJS gives it: the handler then owns the response.
 * `next(error)` answers with that error, through the exception filters;
 * `next()` passes the request on, and with no other route to take it, that is a 404.
 */
export function Next(): ParameterDecorator {
  return record({ kind: 'next', pipes: [] });
}
/** The client's IP address. */
export function Ip(): ParameterDecorator {
  return record({ kind: 'ip', pipes: [] });
}

/**
 * Makes a parameter decorator of your own: `factory(data, ctx)` computes the value
 * once per request; pipes given at the use site then apply to it.
 */
export function createParamDecorator<D = any, R = unknown>(factory: (data: D, ctx: ExecutionContext) => R, enhancers: ParamDecoratorEnhancer[] = []) {
  return (data?: D | Enhancer<PipeTransform>, ...pipes: Enhancer<PipeTransform>[]): ParameterDecorator => {
    // As in NestJS, a pipe given first (`@User(new ValidationPipe())`) is a pipe, not the data.
    const recorded = isPipe(data)
      ? record({ kind: 'custom', data: undefined, pipes: [data, ...pipes], factory })
      : record({ kind: 'custom', data: data as any, pipes, factory });
    if (enhancers.length === 0) return recorded;
    return (target, property, index) => {
      recorded(target, property, index);
      for (const enhance of enhancers) enhance(target, property, index);
    };
  };
}

/** More parameter decorators a custom decorator applies where it is used (Swagger's, say), as in NestJS. */
export type ParamDecoratorEnhancer = ParameterDecorator;

/**
 * Applies parameter decorators to a method's parameters by position, for
 * plain JavaScript without parameter decorators: `@Bind(Req(), Param('id'))`.
 */
export function Bind(...decorators: ParameterDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const [index, decorate] of decorators.entries()) decorate(target, key, index);
    return descriptor;
  };
}

/** A pipe instance (with `transform`) or a pipe class (whose prototype has it). */
function isPipe(value: unknown): value is Enhancer<PipeTransform> {
  if (typeof value === 'function') return typeof (value as { prototype?: { transform?: unknown } }).prototype?.transform === 'function';
  return typeof value === 'object' && value !== null && typeof (value as { transform?: unknown }).transform === 'function';
}

/** The session object that session middleware (express-session, cookie-session) put on the request. */
export const Session = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest().session);

/** The body's bytes as read (a Buffer), when the app was created with `rawBody: true`. */
export const RawBody = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest().rawBody);

/** A parameter of the controller's host pattern (`@Controller({ host: ':account.example.com' })`), or all of them. */
export const HostParam = createParamDecorator((name: string | undefined, ctx: ExecutionContext) => {
  const hosts = ctx.switchToHttp().getRequest().hosts as Record<string, string> | undefined;
  return name === undefined ? hosts : hosts?.[name];
});
