import type { CallHandler, ExecutionContext, NestInterceptor } from '../common/interfaces.js';
import { isObservableLike, lastValue } from '../common/stream-detection.js';
import type { Rx, RxObservable } from './rx.js';

/** Runs a route's interceptors around `call` (pipes, then the handler) and resolves to what should be sent. */
export type InterceptorChain = (ctx: ExecutionContext, call: () => unknown) => Promise<unknown>;

/**
 * Builds the chain once per route. With rxjs installed, `next.handle()` is an
 * rxjs Observable, so `pipe(map(...), catchError(...), timeout(...))` works as
 * in NestJS; it is also awaitable, for interceptors written with Promises (as
 * deno_nest writes them). Without rxjs, `next.handle()` is a Promise.
 *
 * `streaming` is true for SSE routes: their result is a stream of events, so
 * the chain hands over the Observable itself instead of its last value.
 */
export function chainInterceptors(interceptors: readonly NestInterceptor[], rx: Rx | undefined, streaming: boolean): InterceptorChain {
  if (rx) return rxChain(interceptors, rx, streaming);
  return (ctx, call) => promiseChain(interceptors, 0, ctx, call);
}

function promiseChain(interceptors: readonly NestInterceptor[], index: number, ctx: ExecutionContext, call: () => unknown): Promise<unknown> {
  if (index === interceptors.length) return Promise.resolve().then(call);
  // Without rxjs, `handle()` is a plain Promise: the Observable half of its type needs rxjs installed.
  const next = { handle: () => promiseChain(interceptors, index + 1, ctx, call) } as unknown as CallHandler;
  return Promise.resolve().then(() => settle(interceptors[index]!.intercept(ctx, next)));
}

/** An Observable-like answer stands for its last value; anything else for itself. */
function settle(value: unknown): unknown {
  return isObservableLike(value) ? lastValue(value) : value;
}

function rxChain(interceptors: readonly NestInterceptor[], rx: Rx, streaming: boolean): InterceptorChain {
  /** An Observable from another library (anything with `subscribe`) joins the chain as an rxjs one. */
  const adopt = (value: unknown): RxObservable | undefined => {
    if (rx.isObservable(value)) return value;
    if (isObservableLike(value)) return new rx.Observable((subscriber) => value.subscribe(subscriber));
    return undefined;
  };
  /** Any value, Promise or Observable as an Observable of the values it stands for. */
  const flatten = rx.mergeMap((value) => adopt(value) ?? rx.of(value));
  const toObservable = (value: unknown): RxObservable => adopt(value) ?? rx.from(Promise.resolve(value)).pipe(flatten);

  const handle = (index: number, ctx: ExecutionContext, call: () => unknown): RxObservable => {
    if (index === interceptors.length) return rx.defer(() => toObservable(Promise.resolve().then(call)));
    const next = { handle: () => awaitable(handle(index + 1, ctx, call)) } as unknown as CallHandler;
    return rx.defer(() => toObservable(interceptors[index]!.intercept(ctx, next)));
  };

  /**
   * Lets `await next.handle()` work: it resolves to the last value, or, on a
   * streaming route, to the same stream as a plain Observable (a thenable
   * cannot resolve to itself).
   */
  const awaitable = (observable: RxObservable): RxObservable => {
    const then = (resolve: (value: unknown) => unknown, reject: (error: unknown) => unknown) =>
      (streaming ? Promise.resolve(new rx.Observable((s) => observable.subscribe(s))) : rx.lastValueFrom(observable, { defaultValue: undefined })).then(
        resolve,
        reject,
      );
    return Object.defineProperty(observable, 'then', { value: then });
  };

  if (!streaming) return (ctx, call) => lastValueUntilClose(handle(0, ctx, call), ctx);
  return (ctx, call) => runStreaming(rx, (inner) => handle(0, ctx, inner), call);
}

/**
 * The chain's last value, as rxjs's lastValueFrom, but the subscription ends
 * when the client goes away: an Observable that never completes (an
 * `interval` a handler returned by mistake) must not outlive its request.
 */
function lastValueUntilClose(observable: RxObservable, ctx: ExecutionContext): Promise<unknown> {
  const res = ctx.switchToHttp().getResponse<{ once(event: 'close', listener: () => void): unknown; off(event: 'close', listener: () => void): unknown }>();
  return new Promise((resolve, reject) => {
    let last: unknown;
    let subscription: { unsubscribe(): void } | undefined;
    let finished = false;
    const onClose = () => subscription?.unsubscribe();
    const settle = () => {
      finished = true;
      res.off('close', onClose);
    };
    res.once('close', onClose);
    subscription = observable.subscribe({
      next: (value: unknown) => {
        last = value;
      },
      error: (error: unknown) => {
        settle();
        reject(error);
      },
      complete: () => {
        settle();
        resolve(last);
      },
    }) as { unsubscribe(): void };
    // It may all have happened during subscribe(), before `subscription` was set.
    if (finished) subscription.unsubscribe();
  });
}

/**
 * An SSE route's chain. Interceptors see the handler's Observable of events
 * and may map or end it. A handler that returns another kind of source (a
 * `getSSEStream()` body, a hub subscription, an async iterable) bypasses the
 * Observable: that source goes to the session as it is, once the interceptors'
 * code before `next.handle()` has run. An error before the stream starts (a
 * guard's or a pipe's) rejects, so it is answered with a plain HTTP status.
 */
function runStreaming(rx: Rx, chain: (inner: () => unknown) => RxObservable, call: () => unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const relay = new Relay();
    let started = false;
    const start = (source: unknown) => {
      if (!started) {
        started = true;
        resolve(source);
      }
    };
    const inner = () =>
      Promise.resolve()
        .then(call)
        .then((result) => {
          if (rx.isObservable(result)) {
            start(relay);
            return result;
          }
          start(result);
          return rx.from([]);
        });
    relay.source = chain(inner).subscribe({
      next: (event: unknown) => {
        start(relay);
        relay.next(event);
      },
      error: (error: unknown) => {
        if (started) relay.error(error);
        else reject(error);
      },
      complete: () => {
        start(relay);
        relay.complete();
      },
    });
  });
}

type Observer = { next?: (value: unknown) => void; error?: (error: unknown) => void; complete?: () => void };

/**
 * Hands a running chain's events to the SSE session, which subscribes a
 * moment after the chain started: what arrives in between waits in order.
 */
class Relay {
  source: unknown;
  private observer: Observer | undefined;
  private closed = false;
  private readonly waiting: Array<(observer: Observer) => void> = [];

  next(value: unknown): void {
    this.emit((o) => o.next?.(value));
  }
  error(error: unknown): void {
    this.emit((o) => o.error?.(error));
  }
  complete(): void {
    this.emit((o) => o.complete?.());
  }

  subscribe(observer: Observer): { unsubscribe(): void } {
    this.observer = observer;
    for (const deliver of this.waiting.splice(0)) deliver(observer);
    return {
      unsubscribe: () => {
        this.closed = true;
        this.observer = undefined;
        (this.source as { unsubscribe?(): void } | undefined)?.unsubscribe?.();
      },
    };
  }

  private emit(deliver: (observer: Observer) => void): void {
    if (this.observer) deliver(this.observer);
    else if (!this.closed) this.waiting.push(deliver);
  }
}
