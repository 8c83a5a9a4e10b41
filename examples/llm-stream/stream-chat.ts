import { createClient } from 'streamnest/client';
import type { ChatEvents } from './chat-events.js';

export interface ChatAnswer {
  text: string;
  /** From `done`; undefined when the answer was stopped before it. */
  tokens: number | undefined;
}

/**
 * streamnest/client from Node, typed by the chat's contract: one POST, its
 * tokens as they come, until `done`. `retry: false`, since a finished answer
 * must not be asked for again. Rejects with an SseClientError (a 401 for a bad
 * token); aborting `signal` ends it early with the text so far.
 */
export async function streamChat(
  baseUrl: string,
  token: string,
  prompt: string,
  options: { signal?: AbortSignal; onToken?: (text: string) => void } = {},
): Promise<ChatAnswer> {
  const client = createClient<ChatEvents>(`${baseUrl}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
    signal: options.signal,
    retry: false,
  });
  const answer: ChatAnswer = { text: '', tokens: undefined };
  for await (const event of client) {
    if (event.event === 'token') {
      answer.text += event.data.text;
      options.onToken?.(event.data.text);
    } else if (event.event === 'done') {
      answer.tokens = event.data.tokens;
      break;
    }
  }
  return answer;
}
