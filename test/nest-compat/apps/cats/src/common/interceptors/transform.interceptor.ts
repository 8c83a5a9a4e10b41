import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from 'streamnest';
import { from, map, Observable } from 'rxjs';

export interface Response<T> {
  data: T;
}

/** Wraps a handler's result in `{ data }`, rxjs-style (streamnest's `next.handle()` is a Promise, hence `from`). */
@Injectable()
export class TransformInterceptor<T> implements NestInterceptor<T, Response<T>> {
  intercept(context: ExecutionContext, next: CallHandler<T>): Observable<Response<T>> {
    return from(next.handle()).pipe(map((data) => ({ data })));
  }
}
