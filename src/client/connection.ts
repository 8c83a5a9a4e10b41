import type { BlockHandler } from './event-parser.js';
import type { SseClientError } from './client-error.js';

/** What one connection tells the client. A transport makes one connection per attempt; the client decides what comes next. */
export interface ConnectionEvents {
  /** The answer is an event stream: the connection is open. */
  open(): void;
  /** A block of the stream ended (see BlockHandler). */
  block: BlockHandler;
  /** The server sent `retry:`. */
  retry(ms: number): void;
  /**
   * The connection is over, for good: cleanly (the body ended, no error), or
   * with an error; `retryAfter` is the wait a `Retry-After` header asked for, in ms.
   */
  end(error?: SseClientError, retryAfter?: number): void;
  /** A promise while the client's readers are behind: the transport reads no further until it settles. */
  room(): Promise<void> | undefined;
}

/** One attempt to read the stream. */
export interface Connection {
  /** Ends it at once; the transport calls no handler afterwards. */
  close(): void;
  /** The client began listening for events named `name` (an EventSource is told each name it should hear). */
  watch?(name: string): void;
}

/** Request headers, or a function giving them (called before each attempt). Typed by `RequestInit`, which both the DOM and Node's types declare. */
export type HeadersOption = RequestInit['headers'] | (() => RequestInit['headers'] | Promise<RequestInit['headers']>);

/** What every attempt sends; `headers` is read again for each one, so a function can hand out a fresh token. */
export interface RequestSpec {
  url: string;
  method: string;
  headers?: HeadersOption;
  body?: RequestInit['body'];
  withCredentials: boolean;
  maxEventLength?: number;
}
