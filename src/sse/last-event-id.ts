import { createParamDecorator } from '../common/param.decorators.js';
import type { Request } from '../common/interfaces.js';

/**
 * The id a reconnecting client last saw: the `Last-Event-ID` header, decoded as
 * UTF-8 (Node reads header bytes as latin1), else the `lastEventId` query
 * parameter that polyfills and some proxies use. Undefined on a first connect.
 */
export function readLastEventId(req: Request): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string') return Buffer.from(header, 'latin1').toString('utf8');
  // The router has parsed the query already; parse it here only for a request that did not come through it.
  const query = req.query ? req.query.lastEventId : (new URL(req.url ?? '/', 'http://x').searchParams.get('lastEventId') ?? undefined);
  return Array.isArray(query) ? query[0] : query;
}

/** Injects the client's last event id, for resuming: `handler(@LastEventId() id?: string)`. */
export const LastEventId = createParamDecorator((_data: unknown, ctx) => readLastEventId(ctx.switchToHttp().getRequest()));
