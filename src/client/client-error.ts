/**
 * Why a stream failed, as `SseClientError.code`. The client is a bundle of its
 * own for browsers, so its errors live here rather than in the server's
 * src/errors.ts (which would weigh more than the whole client); docs/ERRORS.md
 * lists these codes in a section of their own.
 * - `http-status`: the answer was not a 2xx (`status` says which). 401, 403, 404
 *   and any other 4xx end the client; 408, 429 and 5xx are retried. 204 ends it
 *   quietly, as the server's way of saying "stop".
 * - `content-type`: a 2xx without `Content-Type: text/event-stream`. Ends the client.
 * - `network`: the request failed or the stream broke off. Retried.
 * - `option`: `createClient` was given options the transport cannot honour.
 */
export type SseClientErrorCode = 'http-status' | 'content-type' | 'network' | 'option';

export class SseClientError extends Error {
  constructor(
    message: string,
    readonly code: SseClientErrorCode,
    /** The HTTP status, for `http-status` (0 when an EventSource failed and the browser did not say). */
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SseClientError';
  }
}
