import { setTimeout as sleep } from 'node:timers/promises';

/** A canned answer, a word at a time: enough to see tokens stream in, and to stop them. */
export function answerTo(prompt: string): string {
  const topic = prompt.trim().slice(0, 60) || 'nothing in particular';
  return (
    `You asked about "${topic}". Here is a long answer, streamed one token at a time, as a language model would write it: ` +
    'each word leaves the server as an event named token, the page appends it as it comes, and a last event named done ' +
    'says the answer is complete. Press Stop at any point: the page aborts its request, the server hears the cancel at once, ' +
    'and the model stops writing instead of finishing an answer nobody will read.'
  );
}

/**
 * The stand-in for a model: an async generator of tokens, one every `delayMs`.
 * It returns early, without another token, as soon as `signal` aborts (the
 * client went away), as a real model call would be cancelled.
 */
export async function* fakeModel(prompt: string, delayMs: number, signal: AbortSignal): AsyncGenerator<string> {
  for (const token of answerTo(prompt).split(/(?<= )/)) {
    try {
      await sleep(delayMs, undefined, { signal });
    } catch {
      return;
    }
    yield token;
  }
}
