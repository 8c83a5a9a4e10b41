/// <reference types="node" preserve="true" />
/**
 * streamnest/sse-protocol: the two protocols beneath @Sse() and SseHub, for
 * code that works below them. An app that serves streams needs neither.
 * - The wire format: `encodeEvent` and `encodeComment` turn an event into the
 *   exact bytes the WHATWG spec reads, or throw `SseFieldError`.
 * - The transport contract: what a transport (like streamnest/redis) implements
 *   so that hubs on many instances share events: `SseTransport`, the
 *   `HubEvent`s it stores and delivers, the `Replay` pages it reads back.
 */
export { encodeEvent, encodeComment, SseFieldError } from '../sse/encode.js';
export type { SseTransport, HubEvent, Replay } from '../sse/hub/transport.js';
