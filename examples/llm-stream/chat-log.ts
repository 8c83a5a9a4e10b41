import { Injectable } from 'streamnest';

/** One answer being written: how far it got, and how it ended. */
export interface Generation {
  prompt: string;
  tokens: number;
  outcome: 'streaming' | 'done' | 'cancelled';
  /** Aborted when the client goes away: the model stops. */
  readonly signal: AbortSignal;
}

/** Every answer the app has streamed, so the tests (and a curious operator) can see what a Stop did on the server. */
@Injectable()
export class ChatLog {
  readonly generations: Generation[] = [];

  start(prompt: string): Generation & { cancel(): void } {
    const abort = new AbortController();
    const generation = {
      prompt,
      tokens: 0,
      outcome: 'streaming' as Generation['outcome'],
      signal: abort.signal,
      cancel() {
        if (generation.outcome === 'streaming') generation.outcome = 'cancelled';
        abort.abort();
      },
    };
    this.generations.push(generation);
    // A demo's log, bounded all the same.
    if (this.generations.length > 100) this.generations.shift();
    return generation;
  }
}
