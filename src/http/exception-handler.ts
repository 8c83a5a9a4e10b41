import { HttpException, statusText } from '../common/exceptions.js';
import { META } from '../common/metadata-keys.js';
import { Logger } from '../common/logger.js';
import { describeThrown, isInstance } from '../common/describe.js';
import { StreamnestError } from '../errors.js';
import type { ArgumentsHost, ExceptionFilter, Response } from '../common/interfaces.js';
import type { Type } from '../common/types.js';

const logger = new Logger('ExceptionHandler');

/** A filter ready to use: its instance and the exception types it catches (none: all). */
export interface BoundFilter { filter: ExceptionFilter; catches: Type[] }

export function bindFilter(filter: ExceptionFilter): BoundFilter {
  return { filter, catches: Reflect.getMetadata(META.catch, filter.constructor) ?? [] };
}

/**
 * Turns a thrown value into a response: the first filter that catches it, else
 * the default JSON. A filter that itself throws falls back to the default.
 * Any value at all may arrive here (`null`, an object without a prototype, a
 * Proxy), and nothing here ever rejects, so no error can crash the process.
 */
export async function handleException(error: unknown, host: ArgumentsHost, filters: readonly BoundFilter[]): Promise<void> {
  const res = host.switchToHttp().getResponse<Response>();
  try {
    const bound = filters.find((f) => f.catches.length === 0 || f.catches.some((type) => error instanceof type));
    if (bound) {
      try {
        await bound.filter.catch(error, host);
        return;
      } catch (filterError) {
        logger.error(`exception filter ${bound.filter.constructor?.name ?? '(anonymous)'} threw`, describeThrown(filterError).stack);
      }
    }
  } catch (matchError) {
    // `instanceof` runs user code for a Proxy or a Symbol.hasInstance: treat its failure as "no filter".
    logger.error('matching exception filters failed', describeThrown(matchError).stack);
  }
  sendError(res, error);
}

/** The default error response: `{ statusCode, message, error }`. Unknown errors are logged, never leaked. */
export function sendError(res: Response, thrown: unknown): void {
  try {
    const error = attempt(() => toHttpException(thrown));
    if (!error) {
      const { message, stack } = describeThrown(thrown);
      logger.error(message, stack);
    } else if (error.cause instanceof StreamnestError) {
      logger.warn(error.cause.message);
    }
    if (res.headersSent) {
      // Mid-stream there is no status left to send: cut the response so the client sees it failed.
      if (!res.writableEnded) res.destroy();
      return;
    }
    const status = error ? error.getStatus() : 500;
    const body = error ? error.getResponse() : { statusCode: 500, message: 'Internal server error', error: statusText(500) };
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (error?.cause instanceof StreamnestError && error.cause.retryAfter !== undefined) res.setHeader('Retry-After', error.cause.retryAfter);
    res.end(text);
  } catch (writeError) {
    logger.error('could not send an error response', describeThrown(writeError).stack);
    res.destroy();
  }
}

/** Runs `read`; a value whose properties throw when read is treated as an unknown error. */
function attempt<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * The HttpException a thrown value stands for, if any:
 * - an HttpException itself;
 * - a framework error that has an HTTP meaning (a transport that is down is a 503);
 * - an http-errors error from connect middleware (body-parser, serve-static…): an
 *   Error with a 4xx `status` and `expose: true`, meaning the message is safe to
 *   show. Those keep their status, as in Express and NestJS.
 * Anything else is an unknown error, answered with a generic 500.
 */
function toHttpException(error: unknown): HttpException | undefined {
  if (isInstance(error, HttpException)) return error;
  if (isInstance(error, StreamnestError)) {
    return error.status === undefined ? undefined : new HttpException(error.publicMessage ?? statusText(error.status), error.status, { cause: error });
  }
  if (!isInstance(error, Error)) return undefined;
  const { status, statusCode, expose } = error as Error & { status?: unknown; statusCode?: unknown; expose?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  if (expose !== true || typeof code !== 'number' || code < 400 || code > 499) return undefined;
  return new HttpException(error.message, code, { cause: error });
}
