import { Injectable } from '../common/injectable.decorator.js';
import { printable } from '../common/describe.js';
import { Errors } from '../errors.js';
import type { CronJob } from './cron-job.js';

/** A job the registry can hold: streamnest's CronJob, or any object with `start()` and `stop()` (a `CronJob` from the `cron` package). */
export interface CronJobLike {
  start(): unknown;
  stop(): unknown;
}

type SchedulerKind = 'cron' | 'timeout' | 'interval';

/**
 * Every job, interval and timeout of the application by name, as
 * @nestjs/schedule's SchedulerRegistry: the decorated ones (named by their
 * `name`, or `Class.method` for a cron job and a random id for the others)
 * and those added at run time. Everything in it is stopped on app.close().
 */
@Injectable()
export class SchedulerRegistry {
  private readonly cronJobs = new Map<string, CronJob | CronJobLike>();
  private readonly timeouts = new Map<string, NodeJS.Timeout>();
  private readonly intervals = new Map<string, NodeJS.Timeout>();

  doesExist(type: SchedulerKind, name: string): boolean {
    return this.mapOf(type).has(name);
  }

  getCronJob<T extends CronJobLike = CronJob>(name: string): T {
    return this.get(this.cronJobs, 'cron job', name) as T;
  }
  getInterval(name: string): NodeJS.Timeout {
    return this.get(this.intervals, 'interval', name);
  }
  getTimeout(name: string): NodeJS.Timeout {
    return this.get(this.timeouts, 'timeout', name);
  }

  /** Registers a job; start it with `job.start()`, as with @nestjs/schedule. */
  addCronJob(name: string, job: CronJob | CronJobLike): void {
    if (typeof job?.start !== 'function' || typeof job.stop !== 'function')
      throw Errors.INVALID_ARGUMENT('schedulerRegistry.addCronJob()', 'give a CronJob (or an object with start() and stop())', printable(job));
    this.add(this.cronJobs, 'cron job', name, job);
  }
  /** Registers a timer made with `setInterval`, so it can be listed, deleted, and is cleared on app.close(). */
  addInterval(name: string, intervalId: NodeJS.Timeout): void {
    this.add(this.intervals, 'interval', name, intervalId);
  }
  /** Registers a timer made with `setTimeout`, so it can be listed, deleted, and is cleared on app.close(). */
  addTimeout(name: string, timeoutId: NodeJS.Timeout): void {
    this.add(this.timeouts, 'timeout', name, timeoutId);
  }

  getCronJobs(): Map<string, CronJob | CronJobLike> {
    return new Map(this.cronJobs);
  }
  getIntervals(): string[] {
    return [...this.intervals.keys()];
  }
  getTimeouts(): string[] {
    return [...this.timeouts.keys()];
  }

  /** Stops the job and forgets it; an unknown name does nothing. */
  deleteCronJob(name: string): void {
    this.cronJobs.get(name)?.stop();
    this.cronJobs.delete(name);
  }
  deleteInterval(name: string): void {
    clearInterval(this.intervals.get(name));
    this.intervals.delete(name);
  }
  deleteTimeout(name: string): void {
    clearTimeout(this.timeouts.get(name));
    this.timeouts.delete(name);
  }

  /** Stops and forgets everything (app.close()). */
  clear(): void {
    for (const name of [...this.cronJobs.keys()]) this.deleteCronJob(name);
    for (const name of this.getIntervals()) this.deleteInterval(name);
    for (const name of this.getTimeouts()) this.deleteTimeout(name);
  }

  private mapOf(type: SchedulerKind): Map<string, unknown> {
    return type === 'cron' ? this.cronJobs : type === 'interval' ? this.intervals : this.timeouts;
  }

  private get<T>(map: Map<string, T>, kind: string, name: string): T {
    const found = map.get(name);
    if (found === undefined) throw Errors.SCHEDULER_NOT_FOUND(kind, String(name));
    return found;
  }

  private add<T>(map: Map<string, T>, kind: string, name: string, value: T): void {
    if (typeof name !== 'string' || name === '')
      throw Errors.INVALID_ARGUMENT(`schedulerRegistry.add()`, `a ${kind} name must be a non-empty string`, printable(name));
    if (map.has(name)) throw Errors.SCHEDULER_DUPLICATE(kind, name);
    map.set(name, value);
  }
}
