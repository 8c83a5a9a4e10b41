/**
 * One `for await` over the client: a queue the client pushes events into and
 * the loop takes them from. The client reads no further from the network while
 * a queue is long (`size`), so a slow loop slows the stream instead of growing
 * the queue without bound.
 */
export interface Reader<T> {
  push(event: T): void;
  /** No more events: the loop gets those queued, then ends, or throws `error`. */
  end(error?: unknown): void;
  size(): number;
  iterator: AsyncIterator<T, undefined>;
}

/** `taken` runs after each event taken (the client may read on); `stop` when the loop leaves early (`break`, `return`). */
export function createReader<T>(taken: () => void, stop: () => void): Reader<T> {
  const queue: T[] = [];
  let ended = false;
  let failure: unknown;
  // One promise every waiting next() shares (a caller may call next() again before the last settled).
  let arrival: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    arrival = wake = undefined;
  };
  const finished = { done: true, value: undefined } as const;
  return {
    push(event) {
      queue.push(event);
      notify();
    },
    end(error) {
      ended = true;
      failure = error;
      notify();
    },
    size: () => queue.length,
    iterator: {
      async next() {
        while (!queue.length && !ended) await (arrival ??= new Promise<void>((resolve) => (wake = resolve)));
        if (queue.length) {
          const value = queue.shift()!;
          taken();
          return { done: false, value };
        }
        if (failure !== undefined) {
          const error = failure;
          failure = undefined;
          throw error;
        }
        return finished;
      },
      async return() {
        ended = true;
        queue.length = 0;
        notify();
        stop();
        return finished;
      },
    },
  };
}
