import { Errors } from '../errors.js';
import type { RouteHandler } from './route-pipeline.js';
import { hostnameOf } from './router.js';

/** A controller's host, ready for the router: what find-my-way matches, and how to read the host's parameters. */
export interface CompiledHost {
  match: string | RegExp;
  params(hostname: string): Record<string, string>;
}

/**
 * A host pattern of @Controller({ host }), as NestJS reads it: a plain name
 * (`admin.example.com`), labels with parameters (`:account.example.com`, each
 * `:name` one label), or a RegExp (its named groups are the parameters).
 * Host names are matched without their port and regardless of case.
 */
export function compileHost(pattern: string | RegExp, where: string): CompiledHost {
  if (pattern instanceof RegExp) return { match: pattern, params: (hostname) => ({ ...pattern.exec(hostname)?.groups }) };
  if (typeof pattern !== 'string' || pattern === '') throw Errors.INVALID_ARGUMENT(where, 'a host name, a host pattern or a RegExp', String(pattern));
  const lower = pattern.toLowerCase();
  if (!lower.includes(':')) return { match: lower, params: () => ({}) };
  const labels = lower.split('.').map((label) => {
    if (!label.startsWith(':')) return label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const name = label.slice(1);
    if (!/^[a-z_$][\w$]*$/i.test(name)) throw Errors.INVALID_ARGUMENT(where, 'host parameters that are names (`:account`)', JSON.stringify(pattern));
    return `(?<${name}>[^.]+)`;
  });
  const regex = new RegExp(`^${labels.join('\\.')}$`, 'i');
  return { match: regex, params: (hostname) => ({ ...regex.exec(hostname)?.groups }) };
}

/** The route's handler, with the host's parameters on `req.hosts` (where @HostParam() reads them, as in NestJS). */
export function withHostParams(handler: RouteHandler, host: CompiledHost): RouteHandler {
  return (req, res, params, query) => {
    (req as { hosts?: Record<string, string> }).hosts = host.params(hostnameOf(req));
    handler(req, res, params, query);
  };
}
