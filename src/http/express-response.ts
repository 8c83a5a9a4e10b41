import { ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import { Http2ServerResponse } from 'node:http2';
import { basename, extname, resolve } from 'node:path';
import { create as contentDisposition } from 'content-disposition';
import * as contentType from 'content-type';
import { serialize as serializeCookie } from 'cookie';
import { sign } from 'cookie-signature';
import encodeUrl from 'encodeurl';
import mime from 'mime-types';
import vary from 'vary';
import type { Response } from '../common/interfaces.js';
import { printable } from '../common/describe.js';
import { Errors } from '../errors.js';
import type { ExpressRequest, Http1Request, Http2Request } from './express-request.js';
import { installPrototypeMethods, setOwn } from './prototype-methods.js';
import { COOKIE_DEFAULTS, type CookieDefaultsCarrier } from './cookie-defaults.js';
import { streamFile, type SendFileCallback, type SendFileOptions } from './send-file.js';
import { rendererOf } from './view-renderer.js';
import { sendError } from './exception-handler.js';
import { WebResponse } from './web/web-response.js';

export type { SendFileCallback, SendFileOptions } from './send-file.js';

export type HeaderValue = string | number | readonly string[];

/** What `res.render(view, locals, callback)` calls back with: the error, or the HTML (then nothing is sent). */
export type RenderCallback = (error: Error | null, html?: string) => void;

/** `res.cookie` options, as Express takes them: `maxAge` in milliseconds. */
export interface CookieOptions {
  /** Milliseconds from now; sets both `Max-Age` and `Expires`. */
  maxAge?: number;
  expires?: Date;
  /** Sign the value with `req.secret` (set by a cookie parser: the first of its secrets), as its `signedCookies` reads it. */
  signed?: boolean;
  httpOnly?: boolean;
  secure?: boolean;
  /** Default `/`. */
  path?: string;
  domain?: string;
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  priority?: 'low' | 'medium' | 'high';
  partitioned?: boolean;
  /** How the value is encoded; default `encodeURIComponent`. */
  encode?: (value: string) => string;
}

/**
 * What every response carries besides Node's own API, as Express has it, so
 * NestJS code written against `@Res() res: express.Response` keeps working.
 * Header values go through Node's checks: a CR or LF in one throws, and the
 * request gets a 500.
 */
export interface ExpressResponseMethods {
  /** Values for this request only; the object is made on first use. */
  locals: Record<string, any>;
  /** Sets the status code (an integer from 100 to 999); chainable. */
  status(code: number): this;
  /** Sends the status and its text, such as `Created`, as text/plain. */
  sendStatus(code: number): this;
  /** Sends `body` as JSON (`null` and numbers too). A BigInt or a cycle throws, and the request gets a 500. */
  json(body?: unknown): this;
  /**
   * Sends a body: a string as text/html unless a Content-Type is set, a
   * Buffer or typed array as application/octet-stream, anything else as JSON.
   */
  send(body?: unknown): this;
  /** Sets a header, or several from an object. A Content-Type gets its charset. */
  set(field: string, value: HeaderValue): this;
  set(fields: Record<string, HeaderValue>): this;
  header(field: string, value: HeaderValue): this;
  header(fields: Record<string, HeaderValue>): this;
  get(field: string): number | string | string[] | undefined;
  /** Sets the Content-Type from a media type or an extension (`'json'`, `'.html'`). */
  type(type: string): this;
  contentType(type: string): this;
  /** Adds a value to a header, keeping those already set. */
  append(field: string, value: string | readonly string[]): this;
  location(url: string): this;
  /** Redirects, with 302 unless given a status. */
  redirect(url: string): void;
  redirect(status: number, url: string): void;
  /** Adds a Set-Cookie. An object value is sent as `j:` and its JSON, as Express does. */
  cookie(name: string, value: unknown, options?: CookieOptions): this;
  clearCookie(name: string, options?: CookieOptions): this;
  /** Streams a file: an absolute path, or one relative to `options.root`. */
  sendFile(path: string, callback?: SendFileCallback): void;
  sendFile(path: string, options: SendFileOptions, callback?: SendFileCallback): void;
  /** Streams a file as an attachment, named `filename` or as the file is. */
  download(path: string, callback?: SendFileCallback): void;
  download(path: string, filename: string, callback?: SendFileCallback): void;
  download(path: string, filename: string | undefined, options: SendFileOptions, callback?: SendFileCallback): void;
  /** Sets Content-Disposition to attachment (and the Content-Type from the file name). */
  attachment(filename?: string): this;
  vary(field: string | string[]): this;
  /** Adds to the Link header: `{ next: 'https://…', last: '…' }`. */
  links(links: Record<string, string | string[]>): this;
  /**
   * Renders template `view` (under the views directory) with `locals` over
   * `res.locals`, through the app's view engine (`app.setViewEngine()`), and
   * sends it as text/html; with a `callback`, hands it the HTML instead. A
   * missing template, a name outside the views directory, or a template that
   * throws: the callback's error, or else a 500 and a log line naming the template.
   */
  render(view: string, callback?: RenderCallback): void;
  render(view: string, locals?: object, callback?: RenderCallback): void;
}

/** The response a handler gets from `@Res()`: Node's own, plus the Express API. */
export type ExpressResponse = Response & ExpressResponseMethods;

/**
 * The method bodies, written once for both response classes. Never
 * instantiated: `installPrototypeMethods` copies them onto the prototypes.
 */
abstract class ResponseMethods implements ExpressResponseMethods {
  declare statusCode: number;
  declare readonly req: ExpressRequest;
  declare setHeader: (name: string, value: HeaderValue) => unknown;
  declare getHeader: (name: string) => number | string | string[] | undefined;
  declare hasHeader: (name: string) => boolean;
  declare removeHeader: (name: string) => void;
  declare end: (chunk?: string | Buffer) => unknown;

  get locals(): Record<string, any> {
    return setOwn(this, 'locals', Object.create(null) as Record<string, any>);
  }

  status(code: number): this {
    if (!Number.isInteger(code) || code < 100 || code > 999) {
      throw Errors.INVALID_ARGUMENT('res.status(code)', 'code must be an integer from 100 to 999', printable(code));
    }
    this.statusCode = code;
    return this;
  }

  sendStatus(code: number): this {
    this.status(code);
    this.type('txt');
    return this.send(STATUS_CODES[code] ?? String(code));
  }

  json(body?: unknown): this {
    // Serialised before any header is touched: a BigInt or a cycle throws here, leaving the response clean for the 500.
    const text = JSON.stringify(body);
    if (!this.hasHeader('Content-Type')) this.setHeader('Content-Type', 'application/json');
    return this.send(text);
  }

  send(body?: unknown): this {
    let chunk: string | Buffer | undefined;
    switch (typeof body) {
      case 'undefined':
        break;
      case 'string':
        if (!this.hasHeader('Content-Type')) this.type('html');
        chunk = body;
        break;
      case 'object':
        if (body === null) {
          chunk = '';
          break;
        }
        if (ArrayBuffer.isView(body)) {
          if (!this.hasHeader('Content-Type')) this.type('bin');
          chunk = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
          break;
        }
        return this.json(body);
      case 'number':
      case 'boolean':
      case 'bigint':
        return this.json(body);
      default:
        throw Errors.INVALID_ARGUMENT('res.send(body)', 'body must be a string, a Buffer, or a value JSON can write', typeof body);
    }
    if (typeof chunk === 'string') {
      const type = this.getHeader('Content-Type');
      if (typeof type === 'string') this.setHeader('Content-Type', withCharset(type));
    }
    if (chunk !== undefined) this.setHeader('Content-Length', typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
    const status = this.statusCode;
    if (status === 204 || status === 304) {
      this.removeHeader('Content-Type');
      this.removeHeader('Content-Length');
      this.removeHeader('Transfer-Encoding');
      chunk = undefined;
    } else if (status === 205) {
      this.setHeader('Content-Length', 0);
      this.removeHeader('Transfer-Encoding');
      chunk = undefined;
    }
    if (this.req.method === 'HEAD') this.end();
    else this.end(chunk);
    return this;
  }

  set(field: string | Record<string, HeaderValue>, value?: HeaderValue): this {
    if (typeof field === 'string') {
      this.setHeader(field, headerValue(field, value));
      return this;
    }
    if (typeof field !== 'object' || field === null) {
      throw Errors.INVALID_ARGUMENT('res.set(field, value)', 'field must be a header name or an object of headers', printable(field));
    }
    for (const name of Object.keys(field)) this.setHeader(name, headerValue(name, field[name]));
    return this;
  }

  header(field: string | Record<string, HeaderValue>, value?: HeaderValue): this {
    return this.set(field as string, value as HeaderValue);
  }

  get(field: string): number | string | string[] | undefined {
    return this.getHeader(field);
  }

  type(type: string): this {
    if (typeof type !== 'string') throw Errors.INVALID_ARGUMENT('res.type(type)', 'type must be a string', printable(type));
    return this.set('Content-Type', type.includes('/') ? type : mime.contentType(type) || 'application/octet-stream');
  }

  contentType(type: string): this {
    return this.type(type);
  }

  append(field: string, value: string | readonly string[]): this {
    const previous = this.getHeader(field);
    if (previous === undefined || previous === '') return this.set(field, value);
    const before = Array.isArray(previous) ? previous : [String(previous)];
    return this.set(field, before.concat(value));
  }

  location(url: string): this {
    if (typeof url !== 'string') throw Errors.INVALID_ARGUMENT('res.location(url)', 'url must be a string', printable(url));
    return this.set('Location', encodeUrl(url));
  }

  redirect(statusOrUrl: number | string, url?: string): void {
    const status = typeof statusOrUrl === 'number' ? statusOrUrl : 302;
    const address = typeof statusOrUrl === 'number' ? url : statusOrUrl;
    if (typeof address !== 'string') throw Errors.INVALID_ARGUMENT('res.redirect([status,] url)', 'url must be a string', printable(address));
    this.status(status);
    this.location(address);
    const { type, body } = redirectBody(this.req.headers.accept, status, this.getHeader('Location') as string);
    this.vary('Accept');
    if (type !== undefined) this.setHeader('Content-Type', type);
    this.setHeader('Content-Length', Buffer.byteLength(body));
    if (this.req.method === 'HEAD') this.end();
    else this.end(body);
  }

  cookie(name: string, value: unknown, options: CookieOptions = {}): this {
    // The defaults of a cookie parser of streamnest/cookies, if one saw the request; the caller's options win.
    const defaults = (this.req as CookieDefaultsCarrier)[COOKIE_DEFAULTS];
    const opts: CookieOptions & { maxAge?: number } = defaults === undefined ? { ...options } : withDefaults(defaults, options);
    const secret = this.req.secret;
    if (opts.signed && !secret) throw Errors.COOKIE_SECRET(name);
    let text = typeof value === 'object' ? `j:${JSON.stringify(value)}` : String(value);
    if (opts.signed) text = `s:${sign(text, secret!)}`;
    if (opts.maxAge != null) {
      const ms = Number(opts.maxAge);
      if (!Number.isNaN(ms)) {
        opts.expires = new Date(Date.now() + ms);
        // Express takes milliseconds; the header wants seconds.
        opts.maxAge = Math.floor(ms / 1000);
      }
    }
    opts.path ??= '/';
    return this.append('Set-Cookie', serializeCookie(name, text, opts));
  }

  clearCookie(name: string, options: CookieOptions = {}): this {
    const opts: CookieOptions = { path: '/', ...options, expires: new Date(1) };
    delete opts.maxAge;
    return this.cookie(name, '', opts);
  }

  sendFile(path: string, optionsOrCallback?: SendFileOptions | SendFileCallback, callback?: SendFileCallback): void {
    if (typeof optionsOrCallback === 'function') streamFile(asResponse(this), path, {}, optionsOrCallback);
    else streamFile(asResponse(this), path, optionsOrCallback ?? {}, callback);
  }

  download(path: string, ...rest: Array<string | undefined | SendFileOptions | SendFileCallback>): void {
    const callback = typeof rest[rest.length - 1] === 'function' ? (rest.pop() as SendFileCallback) : undefined;
    const filename = typeof rest[0] === 'string' ? rest[0] : undefined;
    const options = (rest.find((arg) => typeof arg === 'object' && arg !== null) ?? {}) as SendFileOptions;
    if (typeof path !== 'string') throw Errors.INVALID_ARGUMENT('res.download(path)', 'path must be a string', printable(path));
    const headers: Record<string, HeaderValue> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (name.toLowerCase() !== 'content-disposition') headers[name] = value;
    }
    headers['Content-Disposition'] = contentDisposition(basename(filename ?? path));
    streamFile(asResponse(this), options.root ? path : resolve(path), { ...options, headers }, callback);
  }

  attachment(filename?: string): this {
    if (filename) this.type(extname(filename));
    return this.set('Content-Disposition', contentDisposition(filename ? basename(filename) : undefined));
  }

  vary(field: string | string[]): this {
    vary(asResponse(this) as ServerResponse, field);
    return this;
  }

  render(view: string, localsOrCallback?: object | RenderCallback, callback?: RenderCallback): void {
    if (typeof view !== 'string') throw Errors.INVALID_ARGUMENT('res.render(view)', 'view must be a template name', printable(view));
    const done = typeof localsOrCallback === 'function' ? (localsOrCallback as RenderCallback) : callback;
    const given = typeof localsOrCallback === 'object' && localsOrCallback !== null ? localsOrCallback : {};
    // res.locals is made on first use: read only if something made it.
    const data = Object.hasOwn(this, 'locals') ? { ...this.locals, ...given } : given;
    const res = asResponse(this);
    const views = rendererOf(res);
    const rendered = views === undefined ? Promise.reject(Errors.VIEWS_NOT_CONFIGURED('res.render()')) : views.render(view, data);
    // Runs from a settled Promise, where a throw would be an unhandled rejection: every failure is answered here.
    rendered
      .then(
        (html) => (done === undefined ? this.send(html) : done(null, html)),
        (error: Error) => (done === undefined ? sendError(res, error) : done(error)),
      )
      .catch((error: unknown) => sendError(res, error));
  }

  links(links: Record<string, string | string[]>): this {
    const added = Object.keys(links).flatMap((rel) => ([] as string[]).concat(links[rel]!).map((url) => `<${url}>; rel="${rel}"`));
    const previous = this.getHeader('Link');
    return this.set('Link', (previous ? `${String(previous)}, ` : '') + added.join(', '));
  }
}

function asResponse(methods: ResponseMethods): Response {
  return methods as unknown as Response;
}

/**
 * A header value as Express writes it: numbers as text, and a Content-Type
 * completed with its charset. Checked here, for HTTP/2 too: Node's HTTP/2
 * compatibility response would let a CR or LF through.
 */
function headerValue(field: string, value: HeaderValue | undefined): HeaderValue {
  validateHeaderName(field);
  let result: HeaderValue;
  if (Array.isArray(value)) {
    if (field.toLowerCase() === 'content-type') {
      throw Errors.INVALID_ARGUMENT("res.set('Content-Type', value)", 'a Content-Type is one value, not an array', printable(value));
    }
    result = value.map(String);
  } else if (value === undefined) {
    result = value as never;
  } else {
    const text = String(value);
    result = field.toLowerCase() === 'content-type' ? mime.contentType(text) || text : text;
  }
  for (const one of ([] as unknown[]).concat(result)) validateHeaderValue(field, one as string);
  return result;
}

/** The Content-Type with `charset=utf-8`, as Express sets it for a string body; left alone if it cannot be parsed. */
function withCharset(type: string): string {
  try {
    const parsed = contentType.parse(type);
    if (parsed.parameters.charset === 'utf-8') return type;
    return contentType.format({ type: parsed.type, parameters: { ...parsed.parameters, charset: 'utf-8' } });
  } catch {
    return type;
  }
}

/**
 * The body of a redirect, as Express words it: HTML for a client that asks
 * for HTML, text for one that takes text or says nothing, else none. (Express
 * weighs q-values; this only looks for the types.)
 */
function redirectBody(accept: string | undefined, status: number, location: string): { type?: string; body: string } {
  const message = `${STATUS_CODES[status] ?? String(status)}. Redirecting to `;
  if (accept !== undefined && /\btext\/html\b/i.test(accept)) {
    return { type: 'text/html; charset=utf-8', body: `<p>${message}${escapeHtml(location)}</p>` };
  }
  if (accept === undefined || accept === '' || /\btext\/(plain|\*)|\*\/\*/i.test(accept)) {
    return { type: 'text/plain; charset=utf-8', body: message + location };
  }
  return { body: '' };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** `options` over `defaults`; a key given as `undefined` keeps its default, so `{ httpOnly: flag }` never drops HttpOnly by accident. */
function withDefaults(defaults: Readonly<Record<string, unknown>>, options: CookieOptions): CookieOptions {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  return merged as CookieOptions;
}

/** The HTTP/1 response class the server is created with. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the Express methods installPrototypeMethods() puts on the prototype
export class Http1Response extends ServerResponse<Http1Request> {}
/** The HTTP/2 response class the server is created with. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the Express methods installPrototypeMethods() puts on the prototype
export class Http2Response extends Http2ServerResponse<Http2Request> {}
export interface Http1Response extends ExpressResponseMethods {}
export interface Http2Response extends ExpressResponseMethods {}

declare module './web/web-response.js' {
  interface WebResponse extends ExpressResponseMethods {}
}

installPrototypeMethods(ResponseMethods, [Http1Response, Http2Response, WebResponse]);
