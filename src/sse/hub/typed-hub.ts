import type { EventContract, EventMap } from '../contract/define-events.js';
import type { EventCheck } from '../contract/event-check.js';
import type { HubSubscription } from './hub-subscription.js';
import type { PublishMessage } from './publish-message.js';
import type { SubscribeOptions } from './subscribe-options.js';

/** One event of a contract as the hub publishes it: the transport assigns the id. */
export type PublishEvent<E extends EventMap> = { [K in keyof E & string]: { event: K; data: E[K] } }[keyof E & string];

export interface TypedHubOptions {
  /** Check each publish against the contract (it rejects with SN_ERR_SSE_EVENT_INVALID, nothing stored). Default: the contract's `validate`, else false. */
  validate?: boolean;
}

/** What a typed view needs of its hub. */
interface HubLike {
  publish(channel: string, message: PublishMessage): Promise<string>;
  subscribe(channels: string | readonly string[], options?: SubscribeOptions): HubSubscription;
}

/**
 * The hub seen through one contract (`hub.typed(Progress)`): `publish` takes
 * only the contract's events, each with its own type of data, and checks them
 * when the contract or the options say so. The check is chosen when the view
 * is made, so an unchecked view publishes exactly as the hub does.
 */
export class TypedHub<E extends EventMap> {
  /** Publishes one of the contract's events; resolves to its id once the transport has stored it. */
  readonly publish: (channel: string, message: PublishEvent<E>) => Promise<string>;

  constructor(
    private readonly hub: HubLike,
    readonly contract: EventContract<E>,
    check: EventCheck | undefined,
  ) {
    this.publish =
      check === undefined
        ? (channel, message) => hub.publish(channel, message)
        : async (channel, message) => {
            check.check(message, channel);
            return hub.publish(channel, message);
          };
  }

  /** As `hub.subscribe`: a value for an `@Sse` handler to return. */
  subscribe(channels: string | readonly string[], options?: SubscribeOptions): HubSubscription {
    return this.hub.subscribe(channels, options);
  }
}
