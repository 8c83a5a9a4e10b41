/**
 * The event types a client hears, read from the server's contract by shape
 * alone: the client never imports server code. A contract made by
 * `defineEvents()` carries its event map in a type-only `__events` property;
 * a plain map (`{ progress: { percent: number } }`) is taken as it is.
 */
export type ContractEvents<C> = C extends { readonly __events?: infer E } ? (unknown extends E ? C : E) : C;

/** What the hub itself may send on any stream: `reset` when the history is gone, `expired` when the authorization ran out. */
export interface HubNotices {
  reset: { reason: string };
  expired: { reason: string };
}

/** Every event name a client of contract `C` may hear, with the type of its data: the contract's, and the hub's notices. */
export type ClientEvents<C> = {
  [K in keyof ContractEvents<C> | keyof HubNotices]: K extends keyof ContractEvents<C>
    ? ContractEvents<C>[K]
    : K extends keyof HubNotices
      ? HubNotices[K]
      : never;
};

/** One event as the client hands it over: its name, its data (parsed), and the last event id. */
export type ClientEvent<C, K extends keyof ClientEvents<C> & string = keyof ClientEvents<C> & string> = {
  [N in K]: { event: N; data: ClientEvents<C>[N]; id: string };
}[K];
