/** What `withDeadline` rejects with when time runs out: a value no other code throws. */
export const DEADLINE_PASSED: unique symbol = Symbol('deadline passed');

/**
 * Settles as `work` does, or rejects with DEADLINE_PASSED after `ms`. The
 * timer is cleared either way, so it never keeps the process alive; `work`
 * itself goes on (a deadline cannot cancel it), and a late rejection of it is
 * handled here rather than left unhandled.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(DEADLINE_PASSED), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
