import getRawBody from 'raw-body';
import * as contentType from 'content-type';
import { BadRequestException, HttpException, PayloadTooLargeException, RequestTimeoutException, UnsupportedMediaTypeException } from '../common/exceptions.js';
import type { Request, Response } from '../common/interfaces.js';
import { nestsDeeperThan } from './json-depth.js';
import { integerOption } from '../common/integer-option.js';
import { Errors } from '../errors.js';

export interface BodyParserOptions {
  /** The largest body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  limit?: number;
  /** How deep JSON may nest objects and arrays; deeper gets 400. Default 64. */
  depth?: number;
}

/** What a route's body reading needs, resolved once at start-up. */
export interface BodyLimits {
  limit: number;
  depth: number;
  /** The longest pause while the body arrives, in ms (the app's `http.bodyTimeout`). */
  timeout: number;
  /** Keep the bytes as read on `req.rawBody` (NestJS's `rawBody: true`), for signature checks such as webhooks'. */
  raw: boolean;
}

const BODY_DEFAULTS = { limit: 1024 * 1024, depth: 64 } as const;

/** The app's `bodyParser` option, checked once at start-up; `false` turns body parsing off. */
export function resolveBodyLimits(option: boolean | BodyParserOptions | undefined, timeout: number, raw = false): BodyLimits | false {
  if (option === false) return false;
  const given = option === true || option === undefined ? {} : option;
  const read = (key: keyof BodyParserOptions) =>
    integerOption(given[key] ?? BODY_DEFAULTS[key], 1, (rule) => Errors.INVALID_OPTION("the app's bodyParser options", key, rule));
  return { limit: read('limit'), depth: read('depth'), timeout, raw };
}

/** Charsets a body may declare. JSON is UTF-8 by definition (RFC 8259); text and forms may also be ASCII or Latin-1. */
const JSON_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8']);
const TEXT_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii', 'iso-8859-1', 'latin1']);

/** True when the request carries a body to read. */
export function hasBody(req: Request): boolean {
  // A web request says so itself, without its headers being copied into Node's shape; a GET or HEAD has none
  // (the fetch standard), which spares asking the runtime for a body stream it may make on demand.
  const web = (req as { webRequest?: globalThis.Request }).webRequest;
  if (web !== undefined) return req.method !== 'GET' && req.method !== 'HEAD' && web.body !== null;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

type Kind = 'json' | 'form' | 'text';

/**
 * Reads and parses a request body: JSON, urlencoded or text. The size limit is
 * enforced while reading (raw-body), so an oversized body is never buffered
 * whole; a body that stalls is cut after `timeout`. When a body is refused
 * before it was read to the end, the connection closes after the error
 * response, rather than reading on through, say, 100 MB to keep it alive.
 */
export async function parseBody(req: Request, res: Response, limits: BodyLimits): Promise<unknown> {
  let text: string;
  let kind: Kind | undefined;
  try {
    const type = mediaType(req);
    kind = kindOf(type.type);
    const unsupported = () =>
      new UnsupportedMediaTypeException(
        `Unsupported media type "${type.type || '(none)'}": send application/json, application/x-www-form-urlencoded or text/*`,
      );
    if (!kind && type.type !== '') throw unsupported();
    if (!(kind === 'json' ? JSON_CHARSETS : TEXT_CHARSETS).has(type.charset)) {
      throw new UnsupportedMediaTypeException(`Unsupported charset "${type.charset}": send ${kind === 'json' ? 'UTF-8' : 'UTF-8, US-ASCII or ISO-8859-1'}`);
    }
    const charset = type.charset === 'utf8' ? 'utf-8' : type.charset;
    if (limits.raw) {
      const bytes = (await readBody(req, limits, undefined)) as Buffer;
      (req as Request & { rawBody?: Buffer }).rawBody = bytes;
      text = bytes.toString(charset === 'utf-8' ? 'utf8' : 'latin1');
    } else {
      text = (await readBody(req, limits, charset)) as string;
    }
    // Without a Content-Type, a chunked body may turn out empty: that is no body, not a 415.
    if (!kind) {
      if (text.length === 0) return undefined;
      throw unsupported();
    }
  } catch (error) {
    closeAfterResponse(req, res);
    throw error;
  }
  if (kind === 'text') return text;
  if (kind === 'form') return parseForm(text);
  return parseJson(text, limits.depth);
}

function kindOf(type: string): Kind | undefined {
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type.startsWith('text/')) return 'text';
  return undefined;
}

function parseJson(text: string, depth: number): unknown {
  if (text.length === 0) return undefined;
  if (nestsDeeperThan(text, depth)) throw new BadRequestException(`JSON body nests deeper than ${depth} levels`);
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
    // Push, never copy: half a million repeats of one key must stay linear.
    if (seen === undefined) form[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else form[key] = [seen, value];
  }
  return form;
}

function mediaType(req: Request): { type: string; charset: string } {
  const header = req.headers['content-type'];
  if (!header) return { type: '', charset: 'utf-8' };
  try {
    const parsed = contentType.parse(header);
    return { type: parsed.type, charset: (parsed.parameters.charset ?? 'utf-8').toLowerCase() };
  } catch {
    throw new BadRequestException(`Invalid Content-Type header: ${JSON.stringify(header)}`);
  }
}

const STALLED = Symbol('body stalled');

/** raw-body, raced against an idle timer that each arriving chunk restarts: text in `charset`, or bytes without one. */
async function readBody(req: Request, limits: BodyLimits, charset: string | undefined): Promise<string | Buffer> {
  const read: Promise<string | Buffer> =
    charset === undefined
      ? getRawBody(req as any, { limit: limits.limit, length: req.headers['content-length'] })
      : getRawBody(req as any, { limit: limits.limit, encoding: charset, length: req.headers['content-length'] });
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(STALLED), limits.timeout);
  });
  const restart = () => timer!.refresh();
  req.on('data', restart);
  try {
    return await Promise.race([read, stalled]);
  } catch (error) {
    if (error === STALLED) {
      // Stop reading; the 408 goes out and the connection closes, which ends raw-body's read too.
      req.pause();
      throw new RequestTimeoutException(`Request body stalled for more than ${limits.timeout} ms`);
    }
    const e = error as { type?: string; message?: string };
    if (e.type === 'entity.too.large') throw new PayloadTooLargeException(`Request body is larger than the limit of ${limits.limit} bytes`);
    if (e.type === 'encoding.unsupported') throw new UnsupportedMediaTypeException(`Unsupported charset "${charset ?? '(none)'}"`);
    if (e.type === 'request.aborted') throw new HttpException('Request aborted by the client', 400);
    throw new BadRequestException(`Could not read request body: ${e.message ?? 'unknown error'}`);
  } finally {
    clearTimeout(timer);
    req.off('data', restart);
  }
}

/** On HTTP/1.1, the error response says `Connection: close`, and Node closes the socket once it is sent. */
function closeAfterResponse(req: Request, res: Response): void {
  if (req.httpVersionMajor === 1 && !res.headersSent) res.setHeader('Connection', 'close');
}
