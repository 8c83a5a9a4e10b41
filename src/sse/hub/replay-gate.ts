/**
 * Lets a bounded number of replays read from the transport at once; the rest
 * wait their turn, first come first served. A replay holds a turn only while it
 * reads one page, never while its client is slow to take what it got, so a
 * client that never reads cannot hold a turn. Past `maxWaiting`, a new replay is
 * turned away at once (the hub then asks the client to retry later).
 */
interface Waiter {
  go(): void;
  wanted(): boolean;
}

export class ReplayGate {
  private running = 0;
  private waiting: Waiter[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /**
   * Resolves when it is the caller's turn; `leave()` must follow. A first page
   * (`queueFull: 'refuse'`) gets undefined when too many are waiting already;
   * a replay under way always queues, so it can finish. `wanted` says whether
   * the caller still needs its turn (its client may have left meanwhile).
   */
  enter(queueFull: 'refuse' | 'wait', wanted: () => boolean): Promise<void> | undefined {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (queueFull === 'refuse' && this.waiting.length >= this.maxWaiting) {
      // Clients that left while waiting hold no place: a burst of them must not turn real reconnects away.
      this.waiting = this.waiting.filter((w) => w.wanted());
      if (this.waiting.length >= this.maxWaiting) return undefined;
    }
    return new Promise((go) => this.waiting.push({ go, wanted }));
  }

  /**
   * Ends a turn: the longest-waiting replay that still wants one goes next.
   * A waiter passed over is never resolved; nothing refers to its promise any
   * more, so it is collected along with the replay that awaited it.
   */
  leave(): void {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      if (!next.wanted()) continue;
      next.go();
      return;
    }
    this.running--;
  }

  stats(): { reading: number; waiting: number } {
    return { reading: this.running, waiting: this.waiting.length };
  }
}
