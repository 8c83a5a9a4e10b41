/**
 * Where a cookie parser leaves the defaults `res.cookie()` applies for one
 * request (streamnest/cookies sets them: HttpOnly, SameSite=Lax, Secure on
 * TLS). The response only reads them, so http/ never imports the cookies
 * module; without a parser, `res.cookie()` has Express's own defaults.
 * `Symbol.for`, so both builds of the package agree on it.
 */
export const COOKIE_DEFAULTS: unique symbol = Symbol.for('streamnest.cookieDefaults') as never;

/** A request a cookie parser has seen: its defaults are `CookieOptions` (typed loosely here, so this file imports nothing). */
export interface CookieDefaultsCarrier {
  [COOKIE_DEFAULTS]?: Readonly<Record<string, unknown>>;
}
