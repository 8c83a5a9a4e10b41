import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';

/** Something `enableShutdownHooks()` can close when the process must end. */
export interface Closable {
  close(signal?: string): Promise<void>;
}

const FATAL_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
type FatalEvent = (typeof FATAL_EVENTS)[number];

/** A close that never ends must not leave a process that no longer serves: exit anyway after this. */
const GRACE_MS = 5_000;

const logger = new Logger('NestApplication');
const apps = new Map<Closable, number>();
const listeners = new Map<FatalEvent, (error: unknown) => void>();
let ending = false;

/**
 * The process-wide policy for errors nobody caught, shared by every app that
 * called `enableShutdownHooks()`: log the error as fatal, close every such app
 * gracefully (their streams get a `retry:` hint), then exit with code 1, within
 * the longest shutdown timeout plus a grace period. A listener for the event
 * that is not streamnest's (the app's own, say) means the app has a policy of
 * its own: the error is then only logged.
 * Returns the function that takes the app off the list again.
 */
export function guardFatalErrors(app: Closable, shutdownTimeoutMs: number): () => void {
  apps.set(app, shutdownTimeoutMs);
  for (const event of FATAL_EVENTS) {
    if (listeners.has(event)) continue;
    const listener = (error: unknown) => onFatal(event, error);
    listeners.set(event, listener);
    process.on(event, listener);
  }
  return () => {
    apps.delete(app);
    if (apps.size > 0) return;
    for (const [event, listener] of listeners) process.off(event, listener);
    listeners.clear();
  };
}

function onFatal(event: FatalEvent, error: unknown): void {
  const { message, stack } = describeThrown(error);
  const ours = listeners.get(event);
  if ((process.listeners(event as 'uncaughtException') as unknown[]).some((l) => l !== ours)) {
    logger.error(`${event}: ${message}`, stack);
    return;
  }
  logger.fatal(`${event}: ${message}${stack ? `\n${stack}` : ''}; closing gracefully, then exiting with code 1`);
  if (ending) process.exit(1);
  ending = true;
  const deadline = Math.max(...apps.values()) + GRACE_MS;
  setTimeout(() => process.exit(1), deadline);
  void Promise.allSettled([...apps.keys()].map((app) => app.close('fatal'))).then(() => process.exit(1));
}
