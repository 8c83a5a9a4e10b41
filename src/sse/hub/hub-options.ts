import { Errors } from '../../errors.js';
import { integerOption } from '../../common/integer-option.js';
import { checkContract, type EventContract } from '../contract/define-events.js';

/** How replays after a reconnect are bounded. */
export interface ReplayOptions {
  /** Events one replay may send; past it the client gets `reset` instead of the rest. Default 10 000. */
  maxEvents?: number;
  /** Bytes one replay may send; past it the client gets `reset` instead of the rest. Default 4 MiB. */
  maxBytes?: number;
  /** Events read from the transport at a time; the next page is read once the client has taken this one. Default 100. */
  pageSize?: number;
  /** Replays reading from the transport at once; the others wait their turn. Default 8. */
  concurrency?: number;
  /** Replays that may wait for a turn; past it a reconnecting client gets `retry:` and comes back later. Default 1 000. */
  maxWaiting?: number;
  /** How long one page read may take before the replay gives up and the client gets `reset`, in ms. Default 5 000. */
  readTimeout?: number;
}

/** The hub's own limits, whatever the transport. */
export interface HubOptions {
  /** How long `publish` waits for the transport before it rejects with `SN_ERR_PUBLISH_TIMEOUT`, in ms. Default 5 000. */
  publishTimeout?: number;
  replay?: ReplayOptions;
  /**
   * The channels the app publishes to, each with the contract of its events,
   * for the AsyncAPI document: a name, or a pattern with `{parameters}`
   * (`'jobs:{id}'`). Documentation only: `hub.typed(contract)` types and checks what is published.
   */
  channels?: Record<string, EventContract>;
}

export interface HubLimits {
  publishTimeout: number;
  replay: Required<ReplayOptions>;
  channels: ReadonlyMap<string, EventContract>;
}

const REPLAY_DEFAULTS: Required<ReplayOptions> = {
  maxEvents: 10_000,
  maxBytes: 4 * 1024 * 1024,
  pageSize: 100,
  concurrency: 8,
  maxWaiting: 1_000,
  readTimeout: 5_000,
};

/** Checks and fills in the options once, at start-up; a bad value names the option. */
export function resolveHubOptions(options: HubOptions): HubLimits {
  const replay = { ...REPLAY_DEFAULTS };
  for (const [key, value] of Object.entries(options.replay ?? {})) {
    if (value === undefined) continue;
    if (!(key in REPLAY_DEFAULTS))
      throw Errors.INVALID_HUB_OPTION(`replay.${key}`, `is not a replay option; known ones are ${Object.keys(REPLAY_DEFAULTS).join(', ')}`);
    replay[key as keyof ReplayOptions] = integerOption(value, key === 'maxWaiting' ? 0 : 1, (rule) => Errors.INVALID_HUB_OPTION(`replay.${key}`, rule));
  }
  const publishTimeout = integerOption(options.publishTimeout ?? 5_000, 1, (rule) => Errors.INVALID_HUB_OPTION('publishTimeout', rule));
  return { publishTimeout, replay, channels: declaredChannels(options.channels) };
}

function declaredChannels(channels: Record<string, EventContract> | undefined): ReadonlyMap<string, EventContract> {
  if (channels === undefined) return new Map();
  if (typeof channels !== 'object' || channels === null || Array.isArray(channels))
    throw Errors.INVALID_HUB_OPTION('channels', "must be an object of channel pattern -> contract, as { 'jobs:{id}': Progress }");
  const declared = new Map<string, EventContract>();
  for (const [pattern, contract] of Object.entries(channels)) {
    if (pattern === '' || /[\r\n\0]/.test(pattern))
      throw Errors.INVALID_HUB_OPTION(`channels[${JSON.stringify(pattern)}]`, 'is not a channel name: empty, or with CR, LF or NUL');
    declared.set(pattern, checkContract(contract, `SseModule / hub option channels[${JSON.stringify(pattern)}]`));
  }
  return declared;
}
