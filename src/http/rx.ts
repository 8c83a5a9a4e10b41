/**
 * rxjs is an optional peer: loaded once, only when some route has an
 * interceptor, so apps without interceptors never pay for it. When it is
 * installed, `next.handle()` returns a real rxjs Observable, as in NestJS.
 */
import type { ObservableLike } from '../common/stream-detection.js';

/** The part of rxjs the interceptor chain uses. */
export interface Rx {
  defer(factory: () => unknown): RxObservable;
  from(input: unknown): RxObservable;
  of(value: unknown): RxObservable;
  mergeMap(project: (value: unknown) => unknown): unknown;
  lastValueFrom(source: RxObservable, config: { defaultValue: undefined }): Promise<unknown>;
  isObservable(value: unknown): value is RxObservable;
  Observable: new (subscribe: (subscriber: any) => unknown) => RxObservable;
}

export interface RxObservable extends ObservableLike<unknown> {
  pipe(...operators: unknown[]): RxObservable;
}

let loading: Promise<Rx | undefined> | undefined;

/** rxjs, or undefined when the app does not have it installed. */
export function loadRx(): Promise<Rx | undefined> {
  loading ??= import('rxjs').then(
    (module) => module as unknown as Rx,
    () => undefined,
  );
  return loading;
}
