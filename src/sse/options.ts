import { Errors } from '../errors.js';

/** SSE settings, app-wide (`NestFactory.create(..., { sse })`) or per route (`@Sse({ ... })`). */
export interface SseOptions {
  /** Milliseconds between keep-alive comments on an idle stream, or `false` for none. Default 15 000. */
  heartbeat?: number | false;
  /** Unsent bytes above which `write` returns `false`, asking the producer to slow down. Default 64 KiB. */
  highWaterMark?: number;
  /** Unsent bytes past which a slow client is disconnected; it reconnects with `Last-Event-ID`. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * App-wide only: the unsent bytes all streams together may hold. Past it, any
   * client that is behind (past `highWaterMark`) is disconnected at its next
   * write, so many stalled clients cannot exhaust memory. Default 128 MiB.
   */
  maxTotalBufferedBytes?: number;
  /** On shutdown, the base `retry:` hint sent before the stream ends, in ms; jitter of up to as much again is added. Default 1 000. */
  shutdownRetry?: number;
}

export type SseLimits = Required<SseOptions>;

export const SSE_DEFAULTS: SseLimits = {
  heartbeat: 15_000,
  highWaterMark: 64 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxTotalBufferedBytes: 128 * 1024 * 1024,
  shutdownRetry: 1_000,
};

/** Options that only make sense for the whole app. */
const APP_ONLY: ReadonlySet<string> = new Set(['maxTotalBufferedBytes']);

/**
 * Merges and checks options once, at start-up; a bad value names the option.
 * `scope` says where they were given: per-route options cannot set app-wide ones.
 */
export function resolveSseOptions(base: SseLimits, override: SseOptions = {}, where = 'SSE options', scope: 'app' | 'route' = 'app'): SseLimits {
  const merged: SseLimits = { ...base };
  for (const [key, value] of Object.entries(override) as Array<[keyof SseOptions, unknown]>) {
    if (value === undefined) continue;
    if (!(key in SSE_DEFAULTS)) throw Errors.INVALID_SSE_OPTION(where, key, `is not an SSE option; known ones are ${Object.keys(SSE_DEFAULTS).join(', ')}`);
    if (scope === 'route' && APP_ONLY.has(key))
      throw Errors.INVALID_SSE_OPTION(where, key, 'is app-wide: set it in NestFactory.create(AppModule, { sse: { ... } })');
    if (key === 'heartbeat' && value === false) {
      merged.heartbeat = false;
      continue;
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (key === 'heartbeat' ? 1 : 0)) {
      throw Errors.INVALID_SSE_OPTION(
        where,
        key,
        `must be a ${key === 'heartbeat' ? 'positive integer or false' : 'non-negative integer'}, got ${String(value)}`,
      );
    }
    (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
