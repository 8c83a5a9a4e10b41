/** Node's timers hold at most this many ms (about 24.8 days); a later expiry is reached in steps. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Calls `expired` at `at` (ms since the epoch), unless cancelled first by the
 * function it returns. The stream's end (whatever ends it) cancels it, so it
 * never outlives its stream; it is not unref'd, so a leak would show in
 * `process.getActiveResourcesInfo()`.
 */
export function watchExpiry(at: number, expired: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const delay = at - Date.now();
    if (delay <= 0) return expired();
    timer = setTimeout(arm, Math.min(delay, MAX_DELAY));
  };
  arm();
  return () => clearTimeout(timer);
}
