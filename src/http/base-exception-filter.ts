import { Injectable, Optional } from '../common/injectable.decorator.js';
import type { ArgumentsHost, ExceptionFilter, Response } from '../common/interfaces.js';
import { defaultErrorResponse, sendError } from './exception-handler.js';
import { HttpAdapter, type HttpServer } from './http-adapter.js';

/**
 * The default exception handling, as a class to extend, as NestJS's
 * BaseExceptionFilter: a filter handles what it wants and hands the rest to
 * `super.catch(exception, host)`, which answers exactly as streamnest would
 * without any filter.
 *
 * ```ts
 * @Catch()
 * export class AllExceptionsFilter extends BaseExceptionFilter {
 *   catch(exception: unknown, host: ArgumentsHost) {
 *     audit(exception);
 *     super.catch(exception, host);
 *   }
 * }
 * ```
 *
 * It works with no argument, with `app.get(HttpAdapterHost).httpAdapter`, or
 * with any `HttpServer`-shaped object, which then does the writing.
 */
@Injectable()
export class BaseExceptionFilter<T = any> implements ExceptionFilter<T> {
  constructor(@Optional() protected readonly applicationRef?: HttpServer) {}

  catch(exception: T, host: ArgumentsHost): void {
    const response = host.getArgByIndex<Response>(1);
    const adapter = this.applicationRef;
    if (!adapter || adapter instanceof HttpAdapter) {
      sendError(response, exception);
      return;
    }
    const { status, body, retryAfter } = defaultErrorResponse(exception);
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    if (retryAfter !== undefined) adapter.setHeader(response, 'Retry-After', String(retryAfter));
    adapter.reply(response, body, status);
  }

  /** Whether a value is an error with a message, as NestJS's helper of the same name. */
  isExceptionObject(error: unknown): error is Error {
    return typeof error === 'object' && error !== null && !!(error as Error).message;
  }

  /** Whether a value looks like an `http-errors` error (`statusCode` and `message`). */
  isHttpError(error: unknown): error is { statusCode: number; message: string } {
    return !!(error as { statusCode?: unknown })?.statusCode && !!(error as { message?: unknown })?.message;
  }
}
