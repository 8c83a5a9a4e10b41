import { Readable } from 'node:stream';

/** Recognises the kinds of values a handler may return: plain checks on a value, shared by the pipeline's edge, the SSE sender and the class serializer. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

export function isNodeReadable(value: unknown): value is Readable {
  return (
    value instanceof Readable ||
    (typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function' && typeof (value as Readable).on === 'function')
  );
}

export function isWebReadable(value: unknown): value is ReadableStream<unknown> {
  return typeof ReadableStream !== 'undefined' && value instanceof ReadableStream;
}

export interface ObservableLike<T> {
  // biome-ignore lint/suspicious/noConfusingVoidType: a subscribe() that returns nothing must fit, as rxjs's TeardownLogic allows
  subscribe(observer: { next?: (value: T) => void; error?: (error: unknown) => void; complete?: () => void }): { unsubscribe(): void } | (() => void) | void;
}

export function isObservableLike(value: unknown): value is ObservableLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as ObservableLike<unknown>).subscribe === 'function' && !isPromiseLike(value);
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** The last value an Observable-like emits, as a Promise (for guards and interceptors). */
export function lastValue<T>(observable: ObservableLike<T>): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    let last: T | undefined;
    observable.subscribe({
      next: (v) => {
        last = v;
      },
      error: reject,
      complete: () => resolve(last),
    });
  });
}
