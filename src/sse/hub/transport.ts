/**
 * How hubs on one or many instances share events. A transport assigns each
 * event its id, stores a bounded history, delivers every event to every
 * instance's hub, and replays history for reconnecting clients.
 */

/** A published event as stored and delivered: its payload is already text. */
export interface HubEvent {
  id: string;
  channel: string;
  event?: string;
  data: string;
}

/** One page of a replay: the next missed events, or `complete: false` when the history no longer reaches back. */
export interface Replay {
  /** At most `limit` events on the channels, after the given id, oldest first. Fewer than `limit`: nothing more is retained yet. */
  events: HubEvent[];
  /** False when the given id is older than the retained history, unknown, from the future, or from another incarnation. */
  complete: boolean;
}

export interface SseTransport {
  /** Begins delivering every event appended anywhere to `deliver`, in id order. Called once by the hub. */
  start(deliver: (event: HubEvent) => void): Promise<void>;
  /** Stores one event and assigns its id. Rejects (and stores nothing) when the backend is unreachable. */
  append(channel: string, message: { event?: string; data: string }): Promise<string>;
  /**
   * Up to `limit` events on `channels` after the event `after`, in order. The
   * hub pages through a long replay one call at a time, passing the last id it
   * got, so no replay is ever held in memory whole.
   */
  replay(channels: readonly string[], after: string, limit: number): Promise<Replay>;
  /**
   * Orders two ids of this transport: negative, zero or positive. The hub
   * asks it of a live event and a client's catch-up floor (the newest id it
   * has): zero or negative, the client has that event already.
   */
  compare(a: string, b: string): number;
  close(): Promise<void>;
  /**
   * Optional: a local subscription attached, with all its channels. A
   * transport that reads only what local subscribers need (Redis with
   * `shards`) starts reading their channels; the others ignore it. When that
   * start takes a round trip, it returns a promise that settles once every
   * event appended from then on to these channels will be delivered: the hub
   * opens the client's response only then, so an event published after the
   * client saw its stream open is never missed.
   */
  watch?(channels: readonly string[]): void | Promise<void>;
  /** Optional: that subscription detached; called once for each `watch`. */
  unwatch?(channels: readonly string[]): void;
  /**
   * Optional, for ids ordered per channel only (Redis with `shards`): what is
   * left of a client's catch-up floor once `sent`, newer than it, was sent;
   * undefined when nothing is. Without it, the floor ends at the first newer
   * event, which is right when ids are ordered across channels.
   */
  floorAfter?(floor: string, sent: string): string | undefined;
  /**
   * Optional: failures of the transport's delivery loop since start (a read
   * that failed and was retried). Metrics read it when scraped.
   */
  readonly readErrors?: number;
}
