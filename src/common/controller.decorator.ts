import { META } from './metadata-keys.js';
import { checkVersion, type VersionValue } from './version.decorator.js';
import type { ScopeOptions } from './scope.js';

export interface ControllerOptions extends ScopeOptions {
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
}

/** Declares a controller, whose decorated methods become routes under `prefix`. */
export function Controller(prefixOrOptions: string | string[] | ControllerOptions = ''): ClassDecorator {
  const options = typeof prefixOrOptions === 'string' || Array.isArray(prefixOrOptions) ? { path: prefixOrOptions } : prefixOrOptions;
  const prefixes = Array.isArray(options.path) ? (options.path.length > 0 ? options.path : ['']) : [options.path ?? ''];
  const metadata: ControllerMetadata = { prefix: prefixes[0]!, prefixes };
  if (options.host !== undefined) metadata.host = options.host;
  if (options.version !== undefined) metadata.version = checkVersion(options.version, '@Controller({ version })');
  return (target) => {
    Reflect.defineMetadata(META.controller, metadata, target);
    Reflect.defineMetadata(META.injectable, true, target);
    // Scope.REQUEST: one controller instance per request, as a request-scoped dependency would make it.
    if (options.scope !== undefined) Reflect.defineMetadata(META.scope, options.scope, target);
  };
}
