import type { ExecutionContext } from '../common/interfaces.js';
import { createParamDecorator } from '../common/param.decorators.js';
import { Errors } from '../errors.js';
import type { ExpressRequest } from '../http/express-request.js';
import { parseCookies } from './parse-cookies.js';

/** Without a parser mounted, `@Cookies()` reads the header itself, with the parser's default bound. */
const FALLBACK_MAX_COOKIES = 100;

/** One entry of a cookie object, only if it is its own: `@Cookies('constructor')` is never Object's. */
function pick(source: Record<string, unknown>, name: string | undefined): unknown {
  if (name === undefined) return source;
  return Object.hasOwn(source, name) ? source[name] : undefined;
}

/**
 * A cookie of the request by name, or all of them (`j:` JSON values parsed).
 * Reads `req.cookies` as a cookie parser left it; with none mounted, it reads
 * the Cookie header itself. Signed cookies are not here: see `@SignedCookies()`.
 */
export const Cookies = createParamDecorator((name: string | undefined, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<ExpressRequest>();
  const cookies = req.cookies ?? parseCookies(req.headers.cookie, [], FALLBACK_MAX_COOKIES).cookies;
  return pick(cookies, name);
});

/**
 * A signed cookie whose signature one of the parser's secrets verifies, by
 * name, or all of them. A forged or tampered cookie is absent (`undefined`),
 * never an error. Needs `cookieParser(secrets)` or `CookiesModule.forRoot({ secret })`:
 * without one, the request fails with `SN_ERR_COOKIE_PARSER_MISSING`.
 */
export const SignedCookies = createParamDecorator((name: string | undefined, ctx: ExecutionContext) => {
  const signed = ctx.switchToHttp().getRequest<ExpressRequest>().signedCookies;
  if (signed === undefined) throw Errors.COOKIE_PARSER_MISSING(name === undefined ? '@SignedCookies()' : `@SignedCookies(${JSON.stringify(name)})`);
  return pick(signed, name);
});
