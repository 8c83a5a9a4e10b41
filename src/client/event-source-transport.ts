import { SseClientError } from './client-error.js';
import type { Connection, ConnectionEvents, RequestSpec } from './connection.js';

/**
 * One attempt over the browser's EventSource, for where `fetch` cannot stream:
 * GET only, no headers, so the last id goes as the `lastEventId` query
 * parameter (which streamnest's `@LastEventId()` reads). EventSource reports
 * only the events it was told the names of (`watch`), never a `retry:`, and
 * not why it failed: a failure with readyState CLOSED (a status other than
 * 200, a wrong type) ends the client; a drop (CONNECTING) is reconnected by the
 * client's own policy, not the browser's, so backoff and the cap still hold.
 */
export function eventSourceConnection(spec: RequestSpec, lastEventId: string, names: Iterable<string>, on: ConnectionEvents): Connection {
  const url = new URL(spec.url, globalThis.location?.href);
  if (lastEventId) url.searchParams.set('lastEventId', lastEventId);
  const source = new EventSource(url, { withCredentials: spec.withCredentials });
  const heard = new Set<string>();
  const watch = (name: string) => {
    if (heard.has(name)) return;
    heard.add(name);
    source.addEventListener(name, (event) => on.block((event as MessageEvent).lastEventId, name, (event as MessageEvent).data));
  };
  for (const name of names) watch(name);
  source.onopen = () => on.open();
  source.onerror = () => {
    const refused = source.readyState === EventSource.CLOSED;
    source.close();
    on.end(
      refused
        ? new SseClientError(`the EventSource was refused: a status other than 200, or not text/event-stream (${spec.url})`, 'http-status', 0)
        : new SseClientError(`the stream broke off (${spec.url})`, 'network'),
    );
  };
  return { close: () => source.close(), watch };
}
