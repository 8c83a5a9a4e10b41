import getRawBody from 'raw-body';
import contentType from 'content-type';
import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '../common/exceptions.js';
import type { Request } from '../common/interfaces.js';

export interface BodyParserOptions {
  /** The largest body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  limit?: number;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** True when the request carries a body to read. */
export function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads and parses a request body: JSON, urlencoded or text. The size limit is
 * enforced while reading (raw-body), so an oversized body is never buffered whole.
 */
export async function parseBody(req: Request, limit: number): Promise<unknown> {
  const { type, charset } = mediaType(req);
  const kind = type === 'application/json' || type.endsWith('+json') ? 'json'
    : type === 'application/x-www-form-urlencoded' ? 'form'
    : type.startsWith('text/') ? 'text'
    : undefined;
  const unsupported = () => new UnsupportedMediaTypeException(`Unsupported media type "${type || '(none)'}": send application/json, application/x-www-form-urlencoded or text/*`);
  if (!kind && type !== '') throw unsupported();
  const text = await readText(req, limit, charset);
  // Without a Content-Type, a chunked body may turn out empty: that is no body, not a 415.
  if (!kind) { if (text.length === 0) return undefined; throw unsupported(); }
  if (kind === 'text') return text;
  if (kind === 'form') return parseForm(text);
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestException(`Malformed JSON in request body: ${(error as Error).message}`);
  }
}

/**
 * A urlencoded body, read as the query string is: repeated keys become arrays
 * (a multi-select sends `tag=a&tag=b`). No prototype, so `__proto__=` is just a key.
 */
function parseForm(text: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = form[key];
    form[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return form;
}

function mediaType(req: Request): { type: string; charset: string } {
  const header = req.headers['content-type'];
  if (!header) return { type: '', charset: 'utf-8' };
  try {
    const parsed = contentType.parse(header);
    return { type: parsed.type, charset: parsed.parameters.charset ?? 'utf-8' };
  } catch {
    throw new BadRequestException(`Invalid Content-Type header: ${JSON.stringify(header)}`);
  }
}

async function readText(req: Request, limit: number, charset: string): Promise<string> {
  try {
    return await getRawBody(req as any, { limit, encoding: charset, length: req.headers['content-length'] });
  } catch (error) {
    const e = error as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') throw new PayloadTooLargeException(`Request body is larger than the limit of ${limit} bytes`);
    if (e.type === 'encoding.unsupported') throw new UnsupportedMediaTypeException(`Unsupported charset "${charset}"`);
    if (e.type === 'request.aborted') throw new HttpException('Request aborted by the client', 400);
    throw new BadRequestException(`Could not read request body: ${e.message ?? 'unknown error'}`);
  }
}
