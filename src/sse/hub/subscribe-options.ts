import type { HubFilter } from './hub-subscription.js';

/** What `hub.subscribe` takes besides its channels. */
export interface SubscribeOptions {
  /** The client's `Last-Event-ID` (see `@LastEventId()`): missed events are replayed first. */
  lastEventId?: string;
  /** Delivers only the events for which this returns true. */
  filter?: HubFilter;
  /**
   * The channels this client may read, from its authorization: names, or
   * prefixes ending in `*`. A requested channel outside them is refused with
   * 403 before the stream starts; replay and live events come only from the
   * channels subscribed, so nothing of another channel ever reaches the client.
   */
  allow?: readonly string[];
  /**
   * When the client's authorization ends (a Date, or ms since the epoch, as a
   * token's `exp * 1000`). Reached while the stream is open, or already past
   * when it starts: the client gets an `expired` event, then the stream ends.
   */
  expiresAt?: Date | number;
}
