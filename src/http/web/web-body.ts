/** Bytes a streamed body holds unsent before `write` says wait, as Node's own `writableHighWaterMark`. */
export const HIGH_WATER_MARK = 16 * 1024;

/** What a streamed body tells the response it belongs to (the response itself: no closures per stream). */
export interface BodyEvents {
  /** The unsent bytes fell back under the high-water mark after a `send` said wait. */
  bodyDrained(): void;
  /** The client went away: the runtime cancelled the body. */
  bodyCancelled(): void;
}

/**
 * The body of a streamed web response, as the response writes it: one way
 * per kind of stream (QueuedBody for any runtime, DirectBody for Bun.serve's
 * event streams), chosen once when the stream starts.
 */
export interface StreamedBody {
  /** What the web `Response` is made with. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Bytes given and not yet taken by the client (or its socket). */
  readonly unsent: number;
  /** Sends bytes as they are (never copied); false once the unsent bytes reach the high-water mark. */
  send(bytes: Uint8Array): boolean;
  /** Ends the body after what was sent. */
  end(): void;
  /** Breaks the body: the client sees it cut, not ended. */
  cut(reason: Error | undefined): void;
}
