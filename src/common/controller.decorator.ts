import { META } from './metadata-keys.js';
import { checkVersion, type VersionValue } from './version.decorator.js';
import type { ScopeOptions } from './scope.js';
import { checkAliasOptions, type AliasOptions } from './route-alias.js';

export interface ControllerOptions extends ScopeOptions, AliasOptions {
  /** The path prefix of every route; several prefixes serve every route under each. */
  path?: string | string[];
  /** Serve the routes only for this host (or these): a name, `:param.example.com`, or a RegExp; @HostParam() reads its parameters. */
  host?: string | RegExp | Array<string | RegExp>;
  /** The version(s) of every route of the controller (a route's own @Version() wins), once `app.enableVersioning()` is on. */
  version?: VersionValue;
}

/** What @Controller() records: the path prefix (the first of `prefixes`), every prefix, and, when given, the version. */
export interface ControllerMetadata {
  prefix: string;
  prefixes: string[];
  version?: VersionValue;
  host?: string | RegExp | Array<string | RegExp>;
  /** Extra paths every route is served under, in place of the controller's path (see AliasOptions). */
  alias?: string[];
  /** Only the aliases are served, not the controller's own paths. */
  aliasOnly?: boolean;
}

/**
 * Declares a controller, whose decorated methods become routes under `prefix`.
 * `aliases` (deno_nest's second argument) serves every route under extra paths too.
 */
export function Controller(prefixOrOptions: string | string[] | ControllerOptions = '', aliases?: AliasOptions): ClassDecorator {
  const given = typeof prefixOrOptions === 'string' || Array.isArray(prefixOrOptions) ? { path: prefixOrOptions } : prefixOrOptions;
  const options: ControllerOptions = aliases === undefined ? given : { ...given, ...aliases };
  const prefixes = Array.isArray(options.path) ? (options.path.length > 0 ? options.path : ['']) : [options.path ?? ''];
  const metadata: ControllerMetadata = { prefix: prefixes[0]!, prefixes };
  if (options.host !== undefined) metadata.host = options.host;
  if (options.version !== undefined) metadata.version = checkVersion(options.version, '@Controller({ version })');
  const alias = checkAliasOptions(options, '@Controller()', false);
  if (alias.alias !== undefined) metadata.alias = alias.alias;
  if (alias.aliasOnly) metadata.aliasOnly = true;
  return (target) => {
    Reflect.defineMetadata(META.controller, metadata, target);
    Reflect.defineMetadata(META.injectable, true, target);
    // Scope.REQUEST: one controller instance per request, as a request-scoped dependency would make it.
    if (options.scope !== undefined) Reflect.defineMetadata(META.scope, options.scope, target);
  };
}
