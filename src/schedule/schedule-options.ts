import type { CronLocker } from './cron-locker.js';

/** The options of `ScheduleModule.forRoot()`, as @nestjs/schedule names them. */
export interface ScheduleModuleOptions {
  /** Start the @Cron() jobs (default true). */
  cronJobs?: boolean;
  /** Start the @Interval() jobs (default true). */
  intervals?: boolean;
  /** Start the @Timeout() jobs (default true). */
  timeouts?: boolean;
  /** For jobs with `distributed: true`: the locker that picks one process per tick, such as `new RedisCronLocker({ url })`. */
  distributed?: { locker: CronLocker };
}

export const SCHEDULE_MODULE_OPTIONS = 'SCHEDULE_MODULE_OPTIONS';
