import type { EncodedEvent } from '../encoded-event.js';

/**
 * Where a session's bytes go. A session picks one when it starts and keeps it:
 * a chunked HTTP/1.1 socket, a plain `ServerResponse`, an HTTP/2 stream, or a
 * web `ReadableStream`. Each says how many bytes it holds unsent, so
 * backpressure works the same on every one; how a batch goes out differs
 * (one corked write on a Node response, a chunk per event on a web stream).
 */
export interface SseOutput {
  /** Writes the events in order, in one system call where the output allows it. */
  write(events: readonly EncodedEvent[]): void;
  /** Bytes written to the output and not yet sent. */
  readonly backlog: number;
  /** True when a `drain` will come once the backlog is sent: only after a write the output refused. */
  readonly willDrain: boolean;
  /** Calls back once the backlog has drained, or the output closed. Returns a function that stops waiting. */
  onDrain(callback: () => void): () => void;
  /** Ends the stream cleanly, after what was written. */
  end(): void;
  /** Cuts the stream at once; what is unsent is lost. */
  destroy(error: Error): void;
}
