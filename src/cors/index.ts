import cors from 'cors';
import type { Middleware } from '../common/interfaces.js';

export type CorsOptions = cors.CorsOptions;

/**
 * CORS middleware for `app.use(CORS(options))`, on the widely used `cors`
 * package and with its options. Two SSE-minded defaults on top:
 * - a preflight asking for `Last-Event-ID` is always allowed, so a
 *   cross-origin EventSource can resume;
 * - with `credentials: true` and no `origin`, the request's origin is
 *   reflected, since browsers refuse `*` with credentials.
 */
export function CORS(options: CorsOptions = {}): Middleware {
  const resolved: CorsOptions = { ...options };
  if (resolved.credentials && resolved.origin === undefined) resolved.origin = true;
  if (resolved.allowedHeaders !== undefined) resolved.allowedHeaders = withLastEventId(resolved.allowedHeaders);
  return cors(resolved) as Middleware;
}

function withLastEventId(headers: string | string[]): string[] {
  const list = typeof headers === 'string' ? headers.split(',').map((h) => h.trim()).filter(Boolean) : [...headers];
  if (!list.some((h) => h.toLowerCase() === 'last-event-id')) list.push('Last-Event-ID');
  return list;
}

export default CORS;
