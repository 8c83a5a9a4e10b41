import { Errors } from '../../errors.js';
import { integerOption } from '../../common/integer-option.js';

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
}

export interface HubLimits {
  publishTimeout: number;
  replay: Required<ReplayOptions>;
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
  return { publishTimeout, replay };
}
