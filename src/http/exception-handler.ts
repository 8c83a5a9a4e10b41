import { HttpException, statusText } from '../common/exceptions.js';
import { META } from '../common/metadata-keys.js';
import { Logger } from '../common/logger.js';
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
 * the default JSON. A filter that itself throws falls back to the default, and
 * nothing here ever rejects, so no error can crash the process.
 */
export async function handleException(error: unknown, host: ArgumentsHost, filters: readonly BoundFilter[]): Promise<void> {
  const res = host.switchToHttp().getResponse<Response>();
  const bound = filters.find((f) => f.catches.length === 0 || f.catches.some((type) => error instanceof type));
  if (bound) {
    try {
      await bound.filter.catch(error, host);
      return;
    } catch (filterError) {
      logger.error(`exception filter ${bound.filter.constructor.name} threw`, (filterError as Error)?.stack);
    }
  }
  sendError(res, error);
}

/** The default error response: `{ statusCode, message, error }`. Unknown errors are logged, never leaked. */
export function sendError(res: Response, error: unknown): void {
  error = fromHttpError(error);
  if (!(error instanceof HttpException)) logger.error(error instanceof Error ? error.message : String(error), (error as Error)?.stack);
  if (res.headersSent) {
    // Mid-stream there is no status left to send: cut the response so the client sees it failed.
    if (!res.writableEnded) res.destroy();
    return;
  }
  const status = error instanceof HttpException ? error.getStatus() : 500;
  const body = error instanceof HttpException ? error.getResponse() : { statusCode: 500, message: 'Internal server error', error: statusText(500) };
  const text = JSON.stringify(body);
  try {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
  } catch (writeError) {
    logger.error('could not send an error response', (writeError as Error)?.stack);
    res.destroy();
  }
}

/**
 * Connect middleware (body-parser, serve-static…) reports client errors as
 * http-errors: an Error with a 4xx `status` and `expose: true`, meaning the
 * message is safe to show. Those keep their status, as in Express and NestJS;
 * anything else stays an unknown error, answered with a generic 500.
 */
function fromHttpError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof HttpException) return error;
  const { status, statusCode, expose } = error as Error & { status?: unknown; statusCode?: unknown; expose?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  if (expose !== true || typeof code !== 'number' || code < 400 || code > 499) return error;
  return new HttpException(error.message, code, { cause: error });
}
