import { UnauthorizedException } from 'streamnest';

/** A user name is what the login form allows: letters, digits, `-` and `_`, at most 32. */
export const USER_NAME = /^[A-Za-z0-9_-]{1,32}$/;

/** The signed `user` cookie, checked: a forged one already reads as absent. */
export function userOf(cookie: unknown): string {
  if (typeof cookie !== 'string' || !USER_NAME.test(cookie)) throw new UnauthorizedException('Log in first');
  return cookie;
}
