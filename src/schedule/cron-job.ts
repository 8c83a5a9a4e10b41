import { Cron as CronSchedule } from 'croner';
import { describeThrown, printable } from '../common/describe.js';
import { Logger } from '../common/logger.js';
import { Errors } from '../errors.js';

/** The parameters of `CronJob.from()`, named as the `cron` package names them. */
export interface CronJobParams {
  cronTime: string | Date;
  /** Runs on each tick, given the tick's scheduled time. */
  onTick: (scheduledAt: Date) => unknown;
  /** Runs once when the job stops. */
  onComplete?: (() => unknown) | null;
  /** Start at once (default false). */
  start?: boolean;
  timeZone?: string;
  utcOffset?: number;
  /** Skip a tick while the previous run is still going (default true). */
  waitForCompletion?: boolean;
  /** Let the process exit while the job waits. */
  unrefTimeout?: boolean;
  /** Named in log lines. */
  name?: string;
}

/**
 * The longest single wait: a job due later wakes up, checks the clock and
 * waits again, so a clock change (NTP, a laptop waking) is noticed within this.
 */
const MAX_WAIT_MS = 60_000;

const logger = new Logger('Scheduler');

/**
 * A job on a cron schedule, with the `cron` package's API (`start`, `stop`,
 * `isActive`, `lastDate`, `nextDate`, `nextDates`, `fireOnTick`), so code written
 * for @nestjs/schedule's CronJob works on it; `nextDate()` is a `Date`, not a Luxon DateTime.
 *
 * croner reads the expression (5 or 6 fields, time zones, DST) and gives each
 * next date; the job keeps its own one timer. It computes the next tick from
 * the one just due, not from when its run ends, so a slow run never shifts the
 * schedule. A run that throws is logged, and the schedule goes on.
 */
export class CronJob {
  /** As in the `cron` package: the expression (or date) the job was made with. */
  readonly cronTime: { source: string | Date };
  name: string;
  private schedule: CronSchedule;
  private readonly onTick: (scheduledAt: Date) => unknown;
  private readonly onComplete: (() => unknown) | undefined;
  private waitForCompletion = true;
  private unref = false;
  private timer: NodeJS.Timeout | undefined;
  private dueAt: number | undefined;
  private last: Date | null = null;
  private runs = 0;

  constructor(cronTime: string | Date, onTick: (scheduledAt: Date) => unknown, onComplete?: (() => unknown) | null, start?: boolean, timeZone?: string) {
    this.cronTime = { source: cronTime };
    this.name = printable(cronTime);
    if (typeof onTick !== 'function') throw Errors.INVALID_ARGUMENT('new CronJob()', 'onTick must be a function', printable(onTick));
    this.onTick = onTick;
    this.onComplete = onComplete ?? undefined;
    this.schedule = parse('new CronJob()', cronTime, { timeZone });
    if (start === true) this.start();
  }

  /** A job from named parameters, as the `cron` package's `CronJob.from()`. */
  static from(params: CronJobParams): CronJob {
    if (params === null || typeof params !== 'object') throw Errors.INVALID_ARGUMENT('CronJob.from()', 'give { cronTime, onTick }', printable(params));
    const job = new CronJob(params.cronTime, params.onTick, params.onComplete, false, params.timeZone);
    if (params.utcOffset !== undefined) job.schedule = parse('CronJob.from()', params.cronTime, { utcOffset: params.utcOffset });
    if (params.name !== undefined) job.name = params.name;
    job.waitForCompletion = params.waitForCompletion !== false;
    job.unref = params.unrefTimeout === true;
    if (params.start === true) job.start();
    return job;
  }

  /** Whether the job is scheduled (the `cron` package's v4 name). */
  get isActive(): boolean {
    return this.dueAt !== undefined;
  }

  /** The `cron` package's v3 name for isActive. */
  get running(): boolean {
    return this.isActive;
  }

  /** Whether a run is going now. */
  get isCallbackRunning(): boolean {
    return this.runs > 0;
  }

  start(): void {
    if (this.isActive) return;
    this.planFrom(Date.now());
  }

  /** Stops the schedule (a run in progress finishes) and runs onComplete. */
  stop(): void {
    const wasActive = this.isActive;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = undefined;
    if (wasActive && this.onComplete) this.settle(() => this.onComplete!(), 'onComplete');
  }

  /** When the last run started (its scheduled time), or null. */
  lastDate(): Date | null {
    return this.last;
  }

  /** When the next run is due, or null if there is none. */
  nextDate(): Date | null {
    return this.dueAt !== undefined ? new Date(this.dueAt) : this.schedule.nextRun();
  }

  nextDates(count = 1): Date[] {
    return this.schedule.nextRuns(count);
  }

  /** Runs the job now, outside its schedule. */
  async fireOnTick(): Promise<void> {
    await this.run(new Date());
  }

  /** Plans the first tick after `from`; none left (a date in the past) stops the job. */
  private planFrom(from: number): void {
    const next = this.schedule.nextRun(new Date(from));
    if (next === null) {
      this.stop();
      return;
    }
    this.dueAt = next.getTime();
    this.wait();
  }

  private wait(): void {
    const delay = Math.min(Math.max(0, this.dueAt! - Date.now()), MAX_WAIT_MS);
    this.timer = setTimeout(() => this.wake(), delay);
    if (this.unref) this.timer.unref();
  }

  private wake(): void {
    this.timer = undefined;
    const due = this.dueAt;
    if (due === undefined) return;
    // A timer may fire a little early, or after a capped wait: not due yet, wait on.
    if (Date.now() < due) {
      this.wait();
      return;
    }
    // The next tick is planned before this one runs, from the later of now and this tick, so a blocked loop skips missed ticks instead of bursting.
    this.planFrom(Math.max(Date.now(), due));
    void this.run(new Date(due));
  }

  private async run(scheduledAt: Date): Promise<void> {
    if (this.waitForCompletion && this.runs > 0) {
      logger.debug(`${this.name}: the tick of ${scheduledAt.toISOString()} is skipped, the previous run is still going`);
      return;
    }
    this.last = scheduledAt;
    this.runs++;
    try {
      await this.settle(() => this.onTick(scheduledAt), 'run');
    } finally {
      this.runs--;
    }
  }

  /** Runs user code; what it throws or rejects with is logged, never thrown into a timer. */
  private async settle(work: () => unknown, what: string): Promise<void> {
    try {
      await work();
    } catch (error) {
      const { message, stack } = describeThrown(error);
      logger.error(`${this.name}: the ${what} failed: ${message}`, stack);
    }
  }
}

/** croner's schedule for an expression or a date, checked now (a bad time zone shows only when a date is computed). */
export function parse(where: string, cronTime: string | Date, zone: { timeZone?: string; utcOffset?: number }): CronSchedule {
  try {
    const schedule = new CronSchedule(cronTime, {
      mode: '5-or-6-parts',
      ...(zone.timeZone !== undefined ? { timezone: zone.timeZone } : {}),
      ...(zone.utcOffset !== undefined ? { utcOffset: zone.utcOffset } : {}),
    });
    schedule.nextRun();
    return schedule;
  } catch (error) {
    throw Errors.INVALID_CRON_EXPRESSION(where, printable(cronTime), describeThrown(error).message);
  }
}
