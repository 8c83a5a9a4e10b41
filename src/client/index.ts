/**
 * streamnest/client: a small client for event streams, for browsers and Node,
 * typed by the server's event contract. Over `fetch` (any method, headers, a
 * body), or EventSource where that is all there is; it reconnects with the
 * server's `retry`, backoff, jitter and a cap, and resumes with Last-Event-ID.
 * It imports nothing from the server: it is bundled on its own.
 */
export { createClient, type ClientOptions, type ReadyState, type SseClient } from './client.js';
export { SseClientError, type SseClientErrorCode } from './client-error.js';
export type { ClientEvent, ClientEvents, ContractEvents, HubNotices } from './contract-types.js';
export type { HeadersOption } from './connection.js';
export type { PersistOption } from './last-event-id-store.js';
export type { RetryOptions } from './reconnect-policy.js';
