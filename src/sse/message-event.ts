/** One Server-Sent Event, as handlers and the hub write it. */
export interface SSEMessageEvent {
  /** The payload: a string as is, anything else as JSON. Split into one `data:` line per line. */
  data?: string | object | number | boolean | null;
  /** The event id; the client sends the last one back as `Last-Event-ID` when it reconnects. */
  id?: string | number;
  /** The event name, heard with `addEventListener(name)`; without it, `onmessage` hears the event. */
  event?: string;
  /** NestJS's name for `event` (its MessageEvent has `type`): used when `event` is absent. */
  type?: string;
  /** The reconnection delay the client should use, in milliseconds: a non-negative integer. */
  retry?: number;
  /** A comment, which clients ignore: useful for padding and keep-alives. */
  comment?: string;
}

/** A `MessageEvent`-shaped alias, so NestJS code typed `Observable<MessageEvent>` ports over. */
export type MessageEvent = SSEMessageEvent;
