/** What `hub.publish` takes. */
export interface PublishMessage {
  /** The payload: a string as is, anything else as JSON. */
  data: unknown;
  /** The event name; without one, clients hear it on `onmessage`. */
  event?: string;
}
