import { printable } from '../common/describe.js';
import { SetMetadata } from '../common/enhancer.decorators.js';
import { Errors } from '../errors.js';

/** The options of `@Cron()`, as @nestjs/schedule names them. */
export interface CronOptions {
  /** The job's name in the SchedulerRegistry (default: `Class.method`). */
  name?: string;
  /** An IANA time zone, such as 'Europe/Paris', the expression is read in (default: the process's). */
  timeZone?: string;
  /** Or a fixed offset from UTC, in minutes. */
  utcOffset?: number;
  /** Registered, but never started. */
  disabled?: boolean;
  /**
   * Whether a tick that comes while the previous run is still going is skipped
   * (logged at debug). Default true here (@nestjs/schedule's default is false):
   * set false to let runs overlap.
   */
  waitForCompletion?: boolean;
  /** Lets the process exit while the job is scheduled. */
  unrefTimeout?: boolean;
  /** Run each tick on one process only, through `ScheduleModule.forRoot({ distributed: { locker } })`. */
  distributed?: boolean;
  /** The lock's name (default: the job's name); the tick's time is added to it, so each tick has a lock of its own. */
  lockKey?: string;
  /** How long a tick's lock is held, in ms (default 60 000). It must outlast the clock skew between processes. */
  lockTtlMs?: number;
}

/** What the decorators record on a method, read by the explorer at start-up. */
export type ScheduledMethod =
  | { kind: 'cron'; cronTime: string | Date; options: CronOptions }
  | { kind: 'interval'; name: string | undefined; ms: number }
  | { kind: 'timeout'; name: string | undefined; ms: number };

export const SCHEDULE_METADATA = 'streamnest:schedule';

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); past it, Node would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs the method on a cron schedule: `@Cron('*\/5 * * * * *', { name, timeZone })` or `@Cron(CronExpression.EVERY_MINUTE)`. The expression is checked at start-up. */
export function Cron(cronTime: string | Date, options: CronOptions = {}): MethodDecorator {
  if (typeof cronTime !== 'string' && !(cronTime instanceof Date))
    throw Errors.INVALID_ARGUMENT('@Cron()', 'give a cron expression (a string) or a Date', printable(cronTime));
  if (options === null || typeof options !== 'object') throw Errors.INVALID_ARGUMENT('@Cron()', 'options must be an object', printable(options));
  checkName('@Cron()', options.name);
  if (options.lockTtlMs !== undefined) checkMs('@Cron({ lockTtlMs })', options.lockTtlMs);
  return mark({ kind: 'cron', cronTime, options });
}

/** Runs the method every `ms` milliseconds: `@Interval(5000)` or `@Interval('name', 5000)`. */
export function Interval(ms: number): MethodDecorator;
export function Interval(name: string, ms: number): MethodDecorator;
export function Interval(nameOrMs: string | number, ms?: number): MethodDecorator {
  const [name, delay] = typeof nameOrMs === 'string' ? [nameOrMs, ms] : [undefined, nameOrMs];
  checkName('@Interval()', name);
  return mark({ kind: 'interval', name, ms: checkMs('@Interval()', delay) });
}

/** Runs the method once, `ms` milliseconds after start-up: `@Timeout(5000)` or `@Timeout('name', 5000)`. */
export function Timeout(ms: number): MethodDecorator;
export function Timeout(name: string, ms: number): MethodDecorator;
export function Timeout(nameOrMs: string | number, ms?: number): MethodDecorator {
  const [name, delay] = typeof nameOrMs === 'string' ? [nameOrMs, ms] : [undefined, nameOrMs];
  checkName('@Timeout()', name);
  return mark({ kind: 'timeout', name, ms: checkMs('@Timeout()', delay) });
}

/** On the method itself, as @nestjs/schedule keeps it, so `Reflect.getMetadata(…, instance.method)` finds it. */
function mark(scheduled: ScheduledMethod): MethodDecorator {
  return SetMetadata(SCHEDULE_METADATA, scheduled);
}

function checkName(call: string, name: unknown): void {
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    throw Errors.INVALID_ARGUMENT(call, 'the name must be a non-empty string', printable(name));
}

function checkMs(call: string, ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > MAX_TIMER_MS)
    throw Errors.INVALID_ARGUMENT(call, `give a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`, printable(ms));
  return ms;
}
