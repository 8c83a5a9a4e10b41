/** Something holding queued bytes to write. */
export interface Flushable { flush(): void }

/** At most this many streams are flushed per event-loop turn. */
export const FLUSH_SLICE = 1024;

/**
 * Flushes streams that queued writes, on the next turn of the event loop and
 * in slices, so that user code writing to many streams in one loop (the seed
 * page's pattern) never stalls the process, and a burst leaves as one write.
 */
export class FlushScheduler {
  private queue: Flushable[] = [];
  private head = 0;
  private scheduled = false;
  private readonly run = () => this.slice();

  schedule(stream: Flushable): void {
    this.queue.push(stream);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private slice(): void {
    const end = Math.min(this.queue.length, this.head + FLUSH_SLICE);
    for (; this.head < end; this.head++) this.queue[this.head]!.flush();
    if (this.head < this.queue.length) {
      setImmediate(this.run);
      return;
    }
    this.queue = [];
    this.head = 0;
    this.scheduled = false;
  }
}
