import { SseClientError } from './client-error.js';
import type { Connection, ConnectionEvents, RequestSpec } from './connection.js';
import { createEventParser } from './event-parser.js';
import { retryAfterMs } from './reconnect-policy.js';

/**
 * One attempt over `fetch`: any method, headers and body, `Last-Event-ID` as a
 * header. The answer must be a 2xx with `Content-Type: text/event-stream`
 * (spec: 200 only; a POST route answers 201, so any 2xx but 204 is taken);
 * anything else ends the attempt with an SseClientError saying why.
 */
export function fetchConnection(spec: RequestSpec, lastEventId: string, fetcher: typeof fetch, on: ConnectionEvents): Connection {
  const abort = new AbortController();
  const signal = abort.signal;
  const fail = (message: string, code: 'network' | 'http-status' | 'content-type', status?: number, cause?: unknown, retryAfter?: number) => {
    if (!signal.aborted) on.end(new SseClientError(`${message} (${spec.url})`, code, status, cause), retryAfter);
  };

  (async () => {
    let response: Response;
    try {
      const headers = new Headers(typeof spec.headers === 'function' ? await spec.headers() : spec.headers);
      headers.set('accept', 'text/event-stream');
      if (lastEventId) headers.set('last-event-id', lastEventId);
      response = await fetcher(spec.url, {
        method: spec.method,
        headers,
        body: spec.body,
        // A cached event stream would replay old events as new.
        cache: 'no-store',
        credentials: spec.withCredentials ? 'include' : 'same-origin',
        signal,
      });
    } catch (error) {
      return fail('the request failed', 'network', undefined, error);
    }
    const { status, body } = response;
    if (status < 200 || status > 299 || status === 204) {
      body?.cancel().catch(() => {});
      return fail(`HTTP ${status}`, 'http-status', status, undefined, retryAfterMs(response.headers.get('retry-after')));
    }
    const type = response.headers.get('content-type') ?? '';
    if (!/^text\/event-stream\s*(;|$)/i.test(type) || !body) {
      body?.cancel().catch(() => {});
      return fail(`expected Content-Type text/event-stream, got ${type || 'none'}`, 'content-type', status);
    }
    on.open();
    const reader = body.getReader();
    const parse = createEventParser(lastEventId, on.block, on.retry, spec.maxEventLength);
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        if (signal.aborted) return;
        parse(chunk.value);
        await on.room();
      }
    } catch (error) {
      reader.cancel().catch(() => {});
      return fail(error instanceof SseClientError ? error.message : 'the stream broke off', 'network', undefined, error);
    }
    if (!signal.aborted) on.end();
  })();

  return { close: () => abort.abort() };
}
