/// <reference types="node" preserve="true" />
/**
 * streamnest/cookies: reading and writing cookies, signed ones with a list of
 * secrets (rotation), and safe defaults for `res.cookie()`. On `cookie` and
 * `cookie-signature`, as Express's cookie-parser is.
 */
export { cookieParser, type CookieDefaults, type CookieParserOptions, type CookieSecret } from './cookie-parser.js';
export { Cookies, SignedCookies } from './cookies.decorators.js';
export { COOKIES_MODULE_OPTIONS, CookiesModule, type CookiesModuleOptions } from './cookies.module.js';
export { parseCookies, type ReadCookies } from './parse-cookies.js';
export type { CookieOptions } from '../http/express-response.js';
