/**
 * What POST /chat streams: the contract the server writes and the client reads.
 * The client takes it as a type only (`createClient<ChatEvents>`), so nothing of
 * the server reaches the browser. With the server's `defineEvents()`, this
 * would be `typeof chatContract`; a plain map of names to data types is the
 * same to the client.
 */
export type ChatEvents = {
  /** The next piece of the answer, in order. */
  token: { text: string };
  /** The answer is complete: the stream ends after this. */
  done: { tokens: number };
};
