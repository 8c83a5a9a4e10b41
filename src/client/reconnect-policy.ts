/** How the client waits before reconnecting. Every field is in milliseconds but `factor` and `jitter`. */
export interface RetryOptions {
  /** The first wait, until the server sends `retry:`, which then takes its place; backoff grows from the larger of the two. Default 1 000. */
  initial?: number;
  /** The longest wait backoff grows to (a server's `retry:` above it is still honoured). Default 30 000. */
  max?: number;
  /** Each failed attempt in a row multiplies the wait by this. Default 2. */
  factor?: number;
  /** Up to this fraction of the wait is added at random, so clients dropped together come back spread out. Default 0.3. */
  jitter?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { initial: 1000, max: 30_000, factor: 2, jitter: 0.3 };

/** setTimeout fires at once past this, so no wait may be longer. */
const LONGEST_TIMER = 2 ** 31 - 1;

/**
 * The wait before reconnect number `attempt`, counted from 0 since the stream
 * last opened. The first waits `base`: the server's `retry` if it sent one
 * (0 included, as EventSource honours it), else `initial`. Each later one
 * waits the larger of `base` and `initial` times `factor ** attempt`, capped
 * at `max` (or at `base`, if the server asked for more). Then up to `jitter`
 * of the wait is added, never taken away: the server's `retry` is a floor.
 */
export function reconnectDelay(base: number, attempt: number, policy: Required<RetryOptions>, random: () => number = Math.random): number {
  const step = attempt ? Math.min(Math.max(policy.max, base), Math.max(base, policy.initial) * policy.factor ** attempt) : base;
  return Math.min(LONGEST_TIMER, step * (1 + policy.jitter * random()));
}

/** A `Retry-After` header (seconds, or an HTTP date) in milliseconds from now; 0 when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isNaN(seconds) ? Date.parse(header) - now : seconds * 1000;
  // biome-ignore lint/complexity/useMathMinMax: Math.max(NaN, 0) is NaN; an unreadable date must give 0
  return ms > 0 ? ms : 0;
}
