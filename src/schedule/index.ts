/// <reference types="node" preserve="true" />
/**
 * streamnest/schedule: @nestjs/schedule's API. ScheduleModule, @Cron (with
 * CronExpression), @Interval, @Timeout and SchedulerRegistry; cron expressions
 * are read by croner. RedisCronLocker (needs the optional peer dependency
 * `ioredis`) runs a distributed job's tick on one process only.
 */
export { CronExpression } from './cron-expression.enum.js';
export { Cron, Interval, Timeout, type CronOptions } from './schedule.decorators.js';
export { CronJob, type CronJobParams } from './cron-job.js';
export { type CronLocker, RedisCronLocker, type RedisCronLockerOptions } from './cron-locker.js';
export { ScheduleModule } from './schedule.module.js';
export type { ScheduleModuleOptions } from './schedule-options.js';
export { SchedulerRegistry, type CronJobLike } from './scheduler.registry.js';
export type { RedisClientLike } from '../common/redis-client.js';
