/**
 * Lets a bounded number of replays read from the transport at once; the rest
 * wait their turn, first come first served. A replay holds a turn only while it
 * reads one page, never while its client is slow to take what it got, so a
 * client that never reads cannot hold a turn. Past `maxWaiting`, a new replay is
 * turned away at once (the hub then asks the client to retry later).
 */
export class ReplayGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly concurrency: number, private readonly maxWaiting: number) {}

  /**
   * Resolves when it is the caller's turn; `leave()` must follow. A first page
   * (`queueFull: 'refuse'`) gets undefined when too many are waiting already;
   * a replay under way always queues, so it can finish.
   */
  enter(queueFull: 'refuse' | 'wait'): Promise<void> | undefined {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (queueFull === 'refuse' && this.waiting.length >= this.maxWaiting) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Ends a turn: the longest-waiting replay goes next. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  stats(): { reading: number; waiting: number } {
    return { reading: this.running, waiting: this.waiting.length };
  }
}
