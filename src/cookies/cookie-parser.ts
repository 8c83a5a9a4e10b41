import type { Middleware } from '../common/interfaces.js';
import { integerOption } from '../common/integer-option.js';
import { printable } from '../common/describe.js';
import { Errors } from '../errors.js';
import { COOKIE_DEFAULTS, type CookieDefaultsCarrier } from '../http/cookie-defaults.js';
import type { CookieOptions } from '../http/express-response.js';
import type { ExpressRequest } from '../http/express-request.js';
import { parseCookies } from './parse-cookies.js';

/** What `res.cookie()` does when the call does not say: `secure: 'auto'` means Secure when the request came over TLS. */
export type CookieDefaults = Omit<CookieOptions, 'secure' | 'signed' | 'encode'> & { secure?: boolean | 'auto' };

export interface CookieParserOptions {
  /** At most this many cookies are read from one request; the rest are ignored. Default 100. */
  maxCookies?: number;
  /**
   * Defaults for `res.cookie()` on the requests this parser sees, over
   * `{ httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto' }`.
   * Options given to `res.cookie()` itself still win.
   */
  defaults?: CookieDefaults;
}

/** The secrets, one or a list: the first signs, any of them verifies, so a new secret goes first and the old one stays until its cookies expire. */
export type CookieSecret = string | readonly string[];

const SAFE_DEFAULTS: CookieDefaults = { httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto' };
const DEFAULT_MAX_COOKIES = 100;

/**
 * Cookie middleware with cookie-parser's name and shape, for
 * `app.use(cookieParser(secrets))` or `consumer.apply(cookieParser(secrets))`:
 * it sets `req.cookies`, `req.signedCookies` and `req.secret` (the first
 * secret, which `res.cookie(…, { signed: true })` signs with), and gives
 * `res.cookie()` safe defaults for the request. A request another parser has
 * already read keeps its cookies.
 */
export function cookieParser(secret?: CookieSecret, options: CookieParserOptions = {}): Middleware {
  const secrets = checkSecrets(secret);
  const maxCookies = integerOption(options.maxCookies ?? DEFAULT_MAX_COOKIES, 1, (rule) => Errors.INVALID_OPTION('cookieParser()', 'maxCookies', rule));
  const { plain, tls } = resolveDefaults({ ...SAFE_DEFAULTS, ...options.defaults });
  return function cookieParser(req: ExpressRequest & CookieDefaultsCarrier, _res: unknown, next: () => void) {
    req[COOKIE_DEFAULTS] = req.secure ? tls : plain;
    if (req.cookies === undefined) {
      const read = parseCookies(req.headers.cookie, secrets, maxCookies);
      req.cookies = read.cookies;
      req.signedCookies = read.signedCookies;
      req.secret = secrets[0];
    }
    next();
  };
}

/** The two sets of defaults, made once: for plain HTTP and for TLS. */
function resolveDefaults(defaults: CookieDefaults): { plain: Readonly<CookieOptions>; tls: Readonly<CookieOptions> } {
  const { secure, ...rest } = defaults;
  if (secure === 'auto') return { plain: Object.freeze({ ...rest }), tls: Object.freeze({ ...rest, secure: true }) };
  const fixed = Object.freeze({ ...rest, secure });
  return { plain: fixed, tls: fixed };
}

function checkSecrets(secret: CookieSecret | undefined): readonly string[] {
  if (secret === undefined) return [];
  const list = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(list) || list.some((one) => typeof one !== 'string' || one.length === 0)) {
    throw Errors.INVALID_ARGUMENT('cookieParser(secret)', 'secret must be a non-empty string or a list of them', printable(secret));
  }
  return Object.freeze([...list]);
}
