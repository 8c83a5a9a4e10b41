import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { Writable } from 'node:stream';
import type { EncodedEvent } from '../encoded-event.js';
import type { SseOutput } from './sse-output.js';

/**
 * The three outputs over a Node response. They differ only in what they write
 * (framed chunks or bare bytes) and to what (the socket, the response, the
 * HTTP/2 stream); ending and cutting always go through the response, so Node's
 * own bookkeeping (the final chunk, keep-alive, the stream's END_STREAM) holds.
 */
abstract class ResponseOutput implements SseOutput {
  constructor(
    protected readonly response: ServerResponse | Http2ServerResponse,
    /** What bytes are written to; also what reports the backlog and emits 'drain'. */
    private readonly target: Writable,
  ) {}

  protected abstract bytesOf(event: EncodedEvent): Buffer;

  write(events: readonly EncodedEvent[]): void {
    const target = this.target;
    if (target.destroyed) return;
    if (events.length === 1) {
      target.write(this.bytesOf(events[0]!));
      return;
    }
    target.cork();
    for (const event of events) target.write(this.bytesOf(event));
    target.uncork();
  }

  get backlog(): number {
    return this.target.writableLength;
  }

  get willDrain(): boolean {
    return this.target.writableNeedDrain;
  }

  onDrain(callback: () => void): () => void {
    const target = this.target;
    const response = this.response as Writable;
    const done = () => {
      stop();
      callback();
    };
    const stop = () => {
      target.off('drain', done);
      response.off('close', done);
    };
    target.on('drain', done);
    response.on('close', done);
    return stop;
  }

  end(): void {
    this.response.end();
  }

  destroy(error: Error): void {
    this.response.destroy(error);
  }
}

/**
 * HTTP/1.1 with chunked framing that we declared ourselves: each event goes
 * straight to the socket as one chunk framed once (`EncodedEvent.framed`),
 * one write instead of Node's four and a nextTick. `end()` still goes through
 * the response, which writes the final chunk, so the framing stays whole.
 */
export class ChunkedSocketOutput extends ResponseOutput {
  protected bytesOf(event: EncodedEvent): Buffer {
    return event.framed;
  }
}

/** Any other HTTP/1.x response (HTTP/1.0 has no chunks): Node frames, or the connection's end delimits. */
export class PlainResponseOutput extends ResponseOutput {
  constructor(response: ServerResponse) {
    super(response, response);
  }
  protected bytesOf(event: EncodedEvent): Buffer {
    return event.bytes;
  }
}

/** HTTP/2: the bytes go to the response's stream, which frames them as DATA frames. */
export class Http2StreamOutput extends ResponseOutput {
  constructor(response: Http2ServerResponse) {
    super(response, response.stream);
  }
  protected bytesOf(event: EncodedEvent): Buffer {
    return event.bytes;
  }
}
