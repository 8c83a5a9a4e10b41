import { Errors } from '../errors.js';
import { printable } from './describe.js';

/**
 * Extra paths a controller or a route is served at, as deno_nest has them:
 * `@Controller('users', { alias: '/people' })`, `@Get('info', { alias: '/v1/user/info' })`.
 *
 * An alias is a full path: it does not get the global prefix, unless it starts
 * with `${prefix}`, and a route's alias is not under its controller's path.
 * Templates, written in a plain string (not a JavaScript template literal):
 * - `${prefix}`: the global prefix, at the start only (`'${prefix}/v1/users'` is `/api/v1/users`);
 * - `${controller}`: the controller's path (each of them, when it has several);
 * - `${method}`: the route's own path, in a route's alias only.
 *
 * With URI versioning, an alias gets the route's version after the prefix part,
 * as a route excluded from the prefix does (`/v1/people`).
 */
export interface AliasOptions {
  /** One extra path or several. */
  alias?: string | string[];
  /**
   * Serve only the aliases, not the usual paths. Without an alias, the path
   * itself becomes the alias: a full path, outside the global prefix (and, on
   * a route, outside its controller's path).
   */
  isAliasOnly?: boolean;
}

/** What the decorators record: the aliases, checked, and whether they are all there is. */
export interface CheckedAliases {
  alias?: string[];
  aliasOnly: boolean;
}

const TEMPLATE = /\$\{([^}]*)\}/g;
// The templates are literal text in an alias, not JavaScript placeholders.
// biome-ignore lint/suspicious/noTemplateCurlyInString: literal text, as above
const PREFIX = '${prefix}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: literal text, as above
const CONTROLLER = '${controller}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: literal text, as above
const METHOD = '${method}';

/** Checks the options at decoration time, so a typo fails at start-up with the decorator named. */
export function checkAliasOptions(options: AliasOptions, where: string, onRoute: boolean): CheckedAliases {
  if (options === null || typeof options !== 'object')
    throw Errors.INVALID_ALIAS(where, 'the options are an object: { alias, isAliasOnly }', printable(options));
  const { alias, isAliasOnly } = options;
  if (isAliasOnly !== undefined && typeof isAliasOnly !== 'boolean') throw Errors.INVALID_ALIAS(where, 'isAliasOnly is a boolean', printable(isAliasOnly));
  if (alias === undefined) return { aliasOnly: isAliasOnly === true };
  const list = Array.isArray(alias) ? alias : [alias];
  for (const one of list) checkAlias(one, where, onRoute);
  return { alias: list, aliasOnly: isAliasOnly === true };
}

function checkAlias(alias: unknown, where: string, onRoute: boolean): void {
  if (typeof alias !== 'string') throw Errors.INVALID_ALIAS(where, 'an alias is a path string', printable(alias));
  for (const match of alias.matchAll(TEMPLATE)) {
    const name = match[1];
    if (name === 'prefix' && match.index !== 0) {
      throw Errors.INVALID_ALIAS(where, `${PREFIX} may only start an alias`, JSON.stringify(alias));
    }
    if (name !== 'prefix' && name !== 'controller' && !(onRoute && name === 'method')) {
      throw Errors.INVALID_ALIAS(where, `unknown template \${${name}}; use ${PREFIX}, ${CONTROLLER}${onRoute ? ` or ${METHOD}` : ''}`, JSON.stringify(alias));
    }
  }
}

/** One alias made concrete: the path, and whether the global prefix goes in front of it. */
export interface AliasPath {
  path: string;
  prefixed: boolean;
}

/** An alias with its templates filled in: one path per controller path when it names `${controller}`. */
export function expandAlias(alias: string, controllerPaths: readonly string[], methodPath = ''): AliasPath[] {
  const prefixed = alias.startsWith(PREFIX);
  const rest = (prefixed ? alias.slice(PREFIX.length) : alias).replaceAll(METHOD, methodPath);
  const paths = rest.includes(CONTROLLER) ? controllerPaths.map((c) => rest.replaceAll(CONTROLLER, c)) : [rest];
  // '/v1/${controller}' with a controller path of '/users' is '/v1//users': one slash.
  return paths.map((path) => ({ path: path.replace(/\/{2,}/g, '/'), prefixed }));
}
