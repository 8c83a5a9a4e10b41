import { HttpException, statusText } from '../common/exceptions.js';
import { META } from '../common/metadata-keys.js';
import { Logger } from '../common/logger.js';
import { describeThrown, isInstance } from '../common/describe.js';
import { StreamnestError } from '../errors.js';
import type { ArgumentsHost, ExceptionFilter, Response } from '../common/interfaces.js';
import type { Type } from '../common/types.js';

const logger = new Logger('ExceptionHandler');

/** A filter ready to use: its instance and the exception types it catches (none: all). */
export interface BoundFilter {
  filter: ExceptionFilter;
  catches: Type[];
}

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

/** The default answer to a thrown value: its status, its JSON body, and a `Retry-After` when the error has one. */
export interface DefaultErrorResponse {
  status: number;
  body: object;
  retryAfter?: number;
}

const UNKNOWN_ERROR = { statusCode: 500, message: 'Internal server error' } as const;

/**
 * What NestJS's BaseExceptionFilter sends, computed once for the default
 * handler and for filters that extend BaseExceptionFilter:
 * - an HttpException: its response when that is an object, else `{ statusCode, message }`;
 * - anything else: `{ statusCode: 500, message: 'Internal server error' }`, and the
 *   error is logged (never sent).
 * Also logs what it should: unknown errors in full, framework errors with an HTTP meaning as a warning.
 */
export function defaultErrorResponse(thrown: unknown): DefaultErrorResponse {
  const known = attempt(() => httpResponseOf(thrown));
  if (known) return known;
  const { message, stack } = describeThrown(thrown);
  logger.error(message, stack);
  return { status: 500, body: UNKNOWN_ERROR };
}

/** The response of a value that stands for an HttpException with a usable status; user overrides of its methods may throw. */
function httpResponseOf(thrown: unknown): DefaultErrorResponse | undefined {
  const error = toHttpException(thrown);
  if (!error) return undefined;
  const status = error.getStatus();
  if (!Number.isInteger(status) || status < 100 || status > 999) return undefined;
  const response = error.getResponse();
  const body = typeof response === 'object' && response !== null ? response : { statusCode: status, message: response };
  const cause = error.cause;
  if (!isInstance(cause, StreamnestError)) return { status, body };
  logger.warn(cause.message);
  return cause.retryAfter === undefined ? { status, body } : { status, body, retryAfter: cause.retryAfter };
}

/** The default error response (see defaultErrorResponse). Unknown errors are logged, never leaked. */
export function sendError(res: Response, thrown: unknown): void {
  try {
    const { status, body, retryAfter } = defaultErrorResponse(thrown);
    if (res.headersSent) {
      // Mid-stream there is no status left to send: cut the response so the client sees it failed.
      if (!res.writableEnded) res.destroy();
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(body);
    } catch (serialiseError) {
      // An exception whose body cannot be JSON (a BigInt, a cycle) is a bug in the app, answered as one.
      logger.error('the body of an HttpException could not be serialised as JSON', describeThrown(serialiseError).stack);
      writeJson(res, 500, JSON.stringify(UNKNOWN_ERROR));
      return;
    }
    writeJson(res, status, text, retryAfter);
  } catch (writeError) {
    logger.error('could not send an error response', describeThrown(writeError).stack);
    res.destroy();
  }
}

function writeJson(res: Response, status: number, text: string, retryAfter?: number): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (retryAfter !== undefined) res.setHeader('Retry-After', retryAfter);
  res.end(text);
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
 * Anything else is an unknown error, answered with a generic 500. (NestJS also
 * passes on the message of a 5xx http-errors error; streamnest does not, since
 * such a message may name internals.)
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
