import { createRequire } from 'node:module';
import { Injectable, Optional } from '../injectable.decorator.js';
import { Reflector } from '../reflector.js';
import { Errors } from '../../errors.js';
import { isStreamedResult } from '../streamed-result.js';
import { isPromiseLike } from '../stream-detection.js';
import { CLASS_SERIALIZER_OPTIONS, type ClassSerializerContextOptions, type ClassTransformOptions } from './serialize-options.decorator.js';
import type { CallHandler, ExecutionContext, NestInterceptor } from '../interfaces.js';
import type { Type } from '../types.js';

export type PlainLiteralObject = Record<string, any>;

/** The two functions of class-transformer the interceptor uses, under their current or their older names. */
export interface TransformerPackage {
  instanceToPlain?(value: unknown, options?: ClassTransformOptions): PlainLiteralObject;
  plainToInstance?(type: Type<any>, value: unknown, options?: ClassTransformOptions): unknown;
  classToPlain?(value: unknown, options?: ClassTransformOptions): PlainLiteralObject;
  plainToClass?(type: Type<any>, value: unknown, options?: ClassTransformOptions): unknown;
}

export interface ClassSerializerInterceptorOptions extends ClassTransformOptions {
  /** The class-transformer to use, instead of the installed `class-transformer` package. */
  transformerPackage?: TransformerPackage;
}

interface Transformer {
  toPlain(value: unknown, options: ClassTransformOptions): PlainLiteralObject;
  toInstance(type: Type<any>, value: unknown): unknown;
}

/** class-transformer is CommonJS, so it loads synchronously, once: a missing package is a start-up error. */
function loadTransformer(given: TransformerPackage | undefined): Transformer {
  let pkg = given;
  if (!pkg) {
    try {
      pkg = createRequire(import.meta.url)('class-transformer') as TransformerPackage;
    } catch {
      throw Errors.OPTIONAL_DEPENDENCY('ClassSerializerInterceptor', 'class-transformer');
    }
  }
  const toPlain = pkg.instanceToPlain ?? pkg.classToPlain;
  const toInstance = pkg.plainToInstance ?? pkg.plainToClass;
  if (!toPlain || !toInstance) throw Errors.OPTIONAL_DEPENDENCY('ClassSerializerInterceptor', 'class-transformer');
  return { toPlain: toPlain.bind(pkg), toInstance: toInstance.bind(pkg) };
}

/**
 * Turns a handler's class instances into plain objects with class-transformer,
 * as NestJS's ClassSerializerInterceptor, so `@Exclude()`, `@Expose()` and
 * `@Transform()` shape the response; `@SerializeOptions()` on the handler or the
 * controller adds class-transformer options (`groups`, `strategy`, `type`…).
 *
 * Works whether `next.handle()` gives a Promise (or a plain value) or an rxjs
 * Observable: the result comes back in the same kind. Results that are
 * streamed rather than serialised (StreamableFile, Buffers, Node and web
 * streams, async iterables, SSE hub subscriptions) pass through untouched.
 */
@Injectable()
export class ClassSerializerInterceptor implements NestInterceptor {
  private readonly transformer: Transformer;

  constructor(
    protected readonly reflector: Reflector,
    @Optional() protected readonly defaultOptions: ClassSerializerInterceptorOptions = {},
  ) {
    this.defaultOptions = defaultOptions ?? {};
    this.transformer = loadTransformer(this.defaultOptions.transformerPackage);
  }

  intercept(context: ExecutionContext, next: CallHandler): any {
    const { transformerPackage: _package, ...defaults } = this.defaultOptions;
    const options: ClassSerializerContextOptions = { ...defaults, ...this.getContextOptions(context) };
    return mapHandled(next.handle(), (result) => this.serialize(result as PlainLiteralObject, options));
  }

  /** Serialises an object or each item of an array; anything else (and streamed results) as it is. */
  serialize(response: PlainLiteralObject | PlainLiteralObject[], options: ClassSerializerContextOptions): PlainLiteralObject | PlainLiteralObject[] {
    if (typeof response !== 'object' || response === null || isStreamedResult(response)) return response;
    return Array.isArray(response) ? response.map((item) => this.transformToPlain(item, options)) : this.transformToPlain(response, options);
  }

  transformToPlain(plainOrClass: unknown, options: ClassSerializerContextOptions): PlainLiteralObject {
    if (!plainOrClass) return plainOrClass as PlainLiteralObject;
    if (!options.type || plainOrClass instanceof options.type) return this.transformer.toPlain(plainOrClass, options);
    return this.transformer.toPlain(this.transformer.toInstance(options.type, plainOrClass), options);
  }

  protected getContextOptions(context: ExecutionContext): ClassSerializerContextOptions | undefined {
    return this.reflector.getAllAndOverride<ClassSerializerContextOptions>(CLASS_SERIALIZER_OPTIONS, [context.getHandler(), context.getClass()]);
  }
}

interface RxLike {
  // biome-ignore lint/suspicious/noConfusingVoidType: a subscribe() that returns nothing must fit, as rxjs's TeardownLogic allows
  subscribe(observer: { next(v: unknown): void; error(e: unknown): void; complete(): void }): { unsubscribe?(): void } | (() => void) | void;
  pipe: Function;
}

/**
 * Applies `fn` to what `next.handle()` gives, keeping its kind: a Promise maps
 * with `then`, a plain value directly, and an rxjs Observable (it has `pipe`
 * and `subscribe`) becomes a new Observable of the same library, built with
 * its own base class, so rxjs need not be a dependency of streamnest.
 */
function mapHandled(handled: unknown, fn: (value: unknown) => unknown): unknown {
  if (isPromiseLike(handled)) return Promise.resolve(handled).then(fn);
  if (!isRxObservable(handled)) return fn(handled);
  const Observable = baseClassOf(handled) as new (subscribe: (subscriber: any) => unknown) => unknown;
  return new Observable((subscriber: { next(v: unknown): void; error(e: unknown): void; complete(): void }) => {
    const subscription = handled.subscribe({
      next: (value) => {
        let mapped: unknown;
        try {
          mapped = fn(value);
        } catch (error) {
          subscriber.error(error);
          return;
        }
        subscriber.next(mapped);
      },
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      if (typeof subscription === 'function') subscription();
      else subscription?.unsubscribe?.();
    };
  });
}

function isRxObservable(value: unknown): value is RxLike {
  return typeof value === 'object' && value !== null && typeof (value as RxLike).subscribe === 'function' && typeof (value as RxLike).pipe === 'function';
}

/** The class at the root of a value's prototype chain (rxjs's `Observable` for any Observable or Subject), named or minified. */
function baseClassOf(value: object): Function {
  let proto = Object.getPrototypeOf(value);
  while (proto && Object.getPrototypeOf(proto) !== Object.prototype && Object.getPrototypeOf(proto) !== null) proto = Object.getPrototypeOf(proto);
  return proto.constructor;
}
