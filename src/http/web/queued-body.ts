import { type BodyEvents, HIGH_WATER_MARK, type StreamedBody } from './web-body.js';

/**
 * A standard `ReadableStream` whose queue holds what the client has not
 * taken yet: backpressure is the stream's desired size, `drained` comes from
 * its `pull`, `cancelled` from its `cancel`. Works wherever web streams do.
 */
export class QueuedBody implements StreamedBody {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private waiting = false;

  constructor(events: BodyEvents) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => {
          if (!this.waiting) return;
          this.waiting = false;
          events.bodyDrained();
        },
        cancel: () => events.bodyCancelled(),
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
  }

  get unsent(): number {
    const desired = this.controller.desiredSize;
    return desired === null ? 0 : Math.max(0, HIGH_WATER_MARK - desired);
  }

  send(bytes: Uint8Array): boolean {
    try {
      this.controller.enqueue(bytes);
    } catch {
      // The client left between the check and the write: its close is on its way.
    }
    const room = (this.controller.desiredSize ?? 0) > 0;
    if (!room) this.waiting = true;
    return room;
  }

  end(): void {
    try {
      this.controller.close();
    } catch {
      // Already cancelled by the client.
    }
  }

  cut(reason: Error | undefined): void {
    try {
      this.controller.error(reason);
    } catch {
      // Already closed.
    }
  }
}
