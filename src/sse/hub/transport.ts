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

/** What a replay found: the missed events, or `complete: false` when the history no longer reaches back. */
export interface Replay {
  events: HubEvent[];
  /** False when `lastEventId` is older than the retained history, unknown, or from another incarnation. */
  complete: boolean;
}

export interface SseTransport {
  /** Begins delivering every event appended anywhere to `deliver`, in id order. Called once by the hub. */
  start(deliver: (event: HubEvent) => void): Promise<void>;
  /** Stores one event and assigns its id. Rejects (and stores nothing) when the backend is unreachable. */
  append(channel: string, message: { event?: string; data: string }): Promise<string>;
  /** The events on `channels` after `lastEventId`, in order. */
  replay(channels: readonly string[], lastEventId: string): Promise<Replay>;
  /** Orders two ids of this transport: negative, zero or positive. */
  compare(a: string, b: string): number;
  close(): Promise<void>;
}
