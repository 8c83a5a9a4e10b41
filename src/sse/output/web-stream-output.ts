import type { EncodedEvent } from '../encoded-event.js';
import type { SseOutput } from './sse-output.js';

/**
 * A web `ReadableStream`'s controller as an output: for a stream read as a
 * plain web stream rather than answered over HTTP by the framework. The
 * backlog is what the reader has not taken yet (the stream counts bytes);
 * there is no 'drain', so a paced producer looks again a little later.
 */
export class WebStreamOutput implements SseOutput {
  private ended = false;

  constructor(private readonly controller: ReadableStreamDefaultController<Uint8Array>) {}

  write(events: readonly EncodedEvent[]): void {
    if (this.ended) return;
    // A copy each: the reader owns what it gets, and may change it.
    for (const event of events) this.controller.enqueue(new Uint8Array(event.bytes));
  }

  get backlog(): number {
    return Math.max(0, -(this.controller.desiredSize ?? 0));
  }

  readonly willDrain = false;

  onDrain(): () => void {
    return () => undefined;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.controller.close();
  }

  destroy(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.controller.error(error);
  }
}
