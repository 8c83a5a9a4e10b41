import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '../common/injectable.decorator.js';
import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import { DiscoveryService, MetadataScanner, type InstanceWrapper } from '../di/discovery.js';
import { Errors } from '../errors.js';
import { CronJob, parse } from './cron-job.js';
import type { CronLocker } from './cron-locker.js';
import { SCHEDULE_METADATA, type CronOptions, type ScheduledMethod } from './schedule.decorators.js';
import { SCHEDULE_MODULE_OPTIONS, type ScheduleModuleOptions } from './schedule-options.js';
import { SchedulerRegistry } from './scheduler.registry.js';

/** A decorated method found at start-up. */
interface Found {
  /** `Class.method`, for errors and log lines. */
  where: string;
  run: () => unknown;
  scheduled: ScheduledMethod;
}

const DEFAULT_LOCK_TTL_MS = 60_000;
const logger = new Logger('Scheduler');

/**
 * Finds the @Cron(), @Interval() and @Timeout() methods of every provider and
 * controller, as @nestjs/schedule's explorer: on module init it checks each
 * one (a bad expression fails start-up, naming the method) and registers it;
 * on application bootstrap it starts them; on module destroy it stops
 * everything in the registry, so no timer outlives app.close().
 */
@Injectable()
export class ScheduleExplorer {
  private readonly starters: Array<() => void> = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: SchedulerRegistry,
    @Inject(SCHEDULE_MODULE_OPTIONS) private readonly options: ScheduleModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const found = this.explore();
    for (const method of found) this.prepare(method);
    if (found.some((m) => m.scheduled.kind === 'cron' && m.scheduled.options.distributed)) await this.locker()?.connect?.();
  }

  onApplicationBootstrap(): void {
    for (const start of this.starters.splice(0)) start();
  }

  async onModuleDestroy(): Promise<void> {
    this.starters.length = 0;
    this.registry.clear();
    await this.locker()?.disconnect?.();
  }

  private explore(): Found[] {
    const wrappers: InstanceWrapper[] = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    const seen = new Set<object>();
    const found: Found[] = [];
    for (const wrapper of wrappers) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      const className = wrapper.metatype?.name ?? instance.constructor?.name ?? String(wrapper.name);
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const method = instance[name] as Function;
        const scheduled = Reflect.getMetadata(SCHEDULE_METADATA, method) as ScheduledMethod | undefined;
        if (scheduled) found.push({ where: `${className}.${name}`, run: () => method.call(instance), scheduled });
      }
    }
    return found;
  }

  private prepare(method: Found): void {
    const { scheduled } = method;
    if (scheduled.kind === 'cron') this.prepareCron(method, scheduled.cronTime, scheduled.options);
    else if (scheduled.kind === 'interval' && this.options.intervals !== false) this.prepareInterval(method, scheduled.name ?? randomUUID(), scheduled.ms);
    else if (scheduled.kind === 'timeout' && this.options.timeouts !== false) this.prepareTimeout(method, scheduled.name ?? randomUUID(), scheduled.ms);
  }

  private prepareCron({ where, run }: Found, cronTime: string | Date, options: CronOptions): void {
    // Checked here, with the method's name, before anything starts.
    parse(`@Cron() on ${where}`, cronTime, { timeZone: options.timeZone, utcOffset: options.utcOffset });
    const name = options.name ?? where;
    let onTick: (scheduledAt: Date) => unknown = run;
    if (options.distributed) {
      const locker = this.locker();
      if (!locker) throw Errors.SCHEDULE_NO_LOCKER(`@Cron() on ${where}`);
      const key = options.lockKey ?? name;
      const ttl = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
      onTick = (scheduledAt) => runLocked(locker, `${key}:${scheduledAt.getTime()}`, ttl, name, scheduledAt, run);
    }
    const job = CronJob.from({
      cronTime,
      onTick,
      name,
      timeZone: options.timeZone,
      utcOffset: options.utcOffset,
      waitForCompletion: options.waitForCompletion,
      unrefTimeout: options.unrefTimeout,
    });
    this.registry.addCronJob(name, job);
    if (!options.disabled && this.options.cronJobs !== false) this.starters.push(() => job.start());
  }

  private prepareInterval({ where, run }: Found, name: string, ms: number): void {
    this.starters.push(() => this.registry.addInterval(name, setInterval(oneAtATime(where, run), ms)));
  }

  private prepareTimeout({ where, run }: Found, name: string, ms: number): void {
    this.starters.push(() => this.registry.addTimeout(name, setTimeout(oneAtATime(where, run), ms)));
  }

  private locker(): CronLocker | undefined {
    return this.options.distributed?.locker;
  }
}

/** A timer callback that skips a run while the previous one is still going, and logs what a run throws instead of crashing the process. */
function oneAtATime(where: string, run: () => unknown): () => void {
  let running = false;
  return () => {
    if (running) {
      logger.debug(`${where}: skipped, the previous run is still going`);
      return;
    }
    running = true;
    Promise.resolve()
      .then(run)
      .catch((error: unknown) => {
        const { message, stack } = describeThrown(error);
        logger.error(`${where}: the run failed: ${message}`, stack);
      })
      .finally(() => {
        running = false;
      });
  };
}

/** Runs a distributed job's tick if this process takes its lock; a locker that fails skips the tick (at most once, never twice). */
async function runLocked(locker: CronLocker, key: string, ttl: number, name: string, scheduledAt: Date, run: () => unknown): Promise<void> {
  let acquired: boolean;
  try {
    acquired = await locker.tryAcquire(key, ttl);
  } catch (error) {
    logger.warn(`${name}: the tick of ${scheduledAt.toISOString()} is skipped, its lock could not be taken: ${describeThrown(error).message}`);
    return;
  }
  if (!acquired) {
    logger.debug(`${name}: the tick of ${scheduledAt.toISOString()} runs on another process`);
    return;
  }
  await run();
}
