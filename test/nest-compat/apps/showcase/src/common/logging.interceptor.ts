import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from 'streamnest';
import { Observable, tap } from 'rxjs';
import { LogStore } from './log.store';

@Injectable()
export class LoggingInterceptor implements NestInterceptor {
  constructor(private readonly store: LogStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<any> {
    const request = context.switchToHttp().getRequest();
    const line = `${request.method} ${request.url}`;
    return next.handle().pipe(
      tap({
        next: () => this.store.lines.push(`${line} ok`),
        error: (error) => this.store.lines.push(`${line} failed ${error.status ?? 500}`),
      }),
    );
  }
}
