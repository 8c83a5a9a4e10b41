import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { Http2ServerRequest, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { parse as parseQuery } from 'fast-querystring';
import type { Request } from '../common/interfaces.js';
import { matchMediaType } from './media-type-match.js';
import { installPrototypeMethods, setOwn } from './prototype-methods.js';
import { Errors } from '../errors.js';
import { printable } from '../common/describe.js';
import { WebRequest } from './web/web-request.js';
import { BareRecord } from './bare-record.js';

/**
 * What every request carries besides Node's own API, as Express has it, so
 * NestJS code written against `@Req() req: express.Request` keeps working.
 * `params`, `query` and `body` are plain properties that the router and the
 * body parser set; until the router has, `params` reads as an empty object and
 * `query` as the URL's query string parsed (as Express's does in middleware);
 * `cookies`, `signedCookies` and `secret` come from cookie-parser when the app mounts it.
 *
 * There is no `trust proxy` setting: `ip`, `hostname` and `protocol` come from
 * the connection and the Host header, and `X-Forwarded-*` is never believed.
 */
export interface ExpressRequestMethods {
  /** A request header, case-insensitively; `Referer` and `Referrer` are one. */
  get(name: 'set-cookie'): string[] | undefined;
  get(name: string): string | undefined;
  /** Same as `get`. */
  header(name: 'set-cookie'): string[] | undefined;
  header(name: string): string | undefined;
  /** The address of the client's end of the connection. */
  readonly ip: string | undefined;
  /** Always empty: addresses from `X-Forwarded-For` are not trusted. */
  readonly ips: string[];
  /** The Host header (or HTTP/2 `:authority`), port included. */
  readonly host: string | undefined;
  /** The Host header without its port. */
  readonly hostname: string | undefined;
  /** `https` when the connection is TLS, else `http`. */
  readonly protocol: 'http' | 'https';
  readonly secure: boolean;
  /** The path part of `req.url`, without the query string. */
  readonly path: string;
  /** True for `X-Requested-With: XMLHttpRequest`. */
  readonly xhr: boolean;
  /**
   * Which of `types` the body's Content-Type matches (`'json'`, `'text/*'`,
   * `'+json'`…): that type, `false` if none, `null` when the request has no body.
   */
  is(...types: Array<string | string[]>): string | false | null;
}

/** What cookie-parser adds once mounted with `app.use(cookieParser(secret))`. */
export interface ParsedCookies {
  cookies?: Record<string, any>;
  signedCookies?: Record<string, any>;
  /** The first secret given to cookie-parser; `res.cookie(…, { signed: true })` signs with it. */
  secret?: string;
}

/** The request a handler gets from `@Req()`: Node's own, plus the Express API. */
export type ExpressRequest = Request & ExpressRequestMethods & ParsedCookies;

/**
 * The method bodies, written once for both request classes. Never
 * instantiated: `installPrototypeMethods` copies them onto the prototypes.
 */
abstract class RequestMethods implements ExpressRequestMethods {
  declare readonly headers: IncomingHttpHeaders;
  declare readonly socket: Socket | null;
  declare url: string;
  declare readonly stream?: ServerHttp2Stream;

  get(name: string): any {
    if (typeof name !== 'string' || name === '') throw Errors.INVALID_ARGUMENT('req.get(name)', 'name must be a non-empty string', printable(name));
    const key = name.toLowerCase();
    if (key === 'referer' || key === 'referrer') return this.headers.referrer ?? this.headers.referer;
    return this.headers[key];
  }

  header(name: string): any {
    return this.get(name);
  }

  /**
   * Made on first read and then the request's own (a change sticks): a route
   * matched as spelled with no query string sets none, so an event stream
   * that never reads them holds neither object for its whole life.
   */
  get params(): Record<string, string | undefined> {
    return setOwn(this, 'params', new BareRecord());
  }

  /** The query string parsed as the router parses it; see `params`. */
  get query(): Record<string, string | string[]> {
    const url = this.url ?? '/';
    const mark = url.indexOf('?');
    return setOwn(this, 'query', mark === -1 || mark === url.length - 1 ? {} : parseQuery(url.slice(mark + 1)));
  }

  get ip(): string | undefined {
    return this.socket?.remoteAddress;
  }

  get ips(): string[] {
    return [];
  }

  get host(): string | undefined {
    return this.headers.host ?? (this.headers[':authority'] as string | undefined);
  }

  get hostname(): string | undefined {
    const host = this.host;
    if (!host) return undefined;
    // An IPv6 literal, [::1]:3000, has colons of its own.
    const start = host[0] === '[' ? host.indexOf(']') + 1 : 0;
    const colon = host.indexOf(':', start);
    return colon === -1 ? host : host.slice(0, colon);
  }

  get protocol(): 'http' | 'https' {
    return (this.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  }

  get secure(): boolean {
    return this.protocol === 'https';
  }

  get path(): string {
    const url = this.url ?? '/';
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  get xhr(): boolean {
    const value = this.headers['x-requested-with'];
    return typeof value === 'string' && value.toLowerCase() === 'xmlhttprequest';
  }

  is(...types: Array<string | string[]>): string | false | null {
    if (!hasBody(this)) return null;
    return matchMediaType(this.headers['content-type'], types.flat());
  }
}

/** Whether a body comes, as type-is decides it; over HTTP/2, a stream whose headers did not end it. */
function hasBody(req: { headers: IncomingHttpHeaders; stream?: ServerHttp2Stream }): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  if (length !== undefined) return !Number.isNaN(Number.parseInt(length, 10));
  return req.stream !== undefined && !req.stream.endAfterHeaders;
}

/** The HTTP/1 request class the server is created with. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the Express methods installPrototypeMethods() puts on the prototype
export class Http1Request extends IncomingMessage {}
/** The HTTP/2 request class the server is created with. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the Express methods installPrototypeMethods() puts on the prototype
export class Http2Request extends Http2ServerRequest {}
export interface Http1Request extends ExpressRequestMethods, ParsedCookies {}
export interface Http2Request extends ExpressRequestMethods, ParsedCookies {}

declare module './web/web-request.js' {
  interface WebRequest extends ExpressRequestMethods, ParsedCookies {}
}

installPrototypeMethods(RequestMethods, [Http1Request, Http2Request, WebRequest]);
