import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, Module, NestFactory } from 'streamnest';
import { Test } from 'streamnest/testing';
import { Cron, CronExpression, CronJob, Interval, ScheduleModule, SchedulerRegistry, Timeout } from 'streamnest/schedule';
import { CaptureLogger, eventually } from '../core/support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The timers alive in this process now (Node's own count). */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

@Injectable()
class Jobs {
  cron = 0;
  interval = 0;
  timeout = 0;
  failures = 0;
  concurrent = 0;
  maxConcurrent = 0;

  @Cron(CronExpression.EVERY_SECOND, { name: 'every-second' })
  everySecond() {
    this.cron++;
  }

  @Interval('fast', 30)
  fast() {
    this.interval++;
  }

  @Timeout('once', 20)
  once() {
    this.timeout++;
  }

  @Interval(25)
  failing() {
    this.failures++;
    throw new Error(`failure ${this.failures}`);
  }

  @Interval('slow', 10)
  async slow() {
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    await sleep(60);
    this.concurrent--;
  }
}

async function start(providers: any[], logger?: CaptureLogger) {
  @Module({ imports: [ScheduleModule.forRoot()], providers })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication(logger ? { logger } : {});
  await app.init();
  return app;
}

test('@Cron, @Interval and @Timeout run from bootstrap; a throwing job is logged and runs again; a slow one never overlaps; close leaves no timer', async () => {
  const logs = new CaptureLogger();
  const before = timers();
  const app = await start([Jobs], logs);
  try {
    const jobs = app.get(Jobs);
    await eventually(() => jobs.cron >= 2 && jobs.interval >= 3 && jobs.failures >= 3, 'the jobs to run', 4_000);
    assert.equal(jobs.timeout, 1, 'a timeout runs once');
    assert.equal(jobs.maxConcurrent, 1, 'the slow interval never ran twice at once');
    const failed = logs.lines.filter((l) => l.level === 'error' && /Jobs\.failing: the run failed: failure/.test(l.message));
    assert.ok(failed.length >= 3, `each failure is logged: ${logs.text()}`);
    assert.ok(
      logs.lines.some((l) => l.level === 'debug' && /Jobs\.slow: skipped/.test(l.message)),
      'a skipped overlap is logged at debug',
    );

    const registry = app.get(SchedulerRegistry);
    assert.deepEqual([...registry.getCronJobs().keys()], ['every-second']);
    assert.ok(registry.getIntervals().includes('fast') && registry.getIntervals().includes('slow'));
    assert.equal(registry.getIntervals().length, 3, 'the unnamed interval has a generated name');
    assert.deepEqual(registry.getTimeouts(), ['once']);
    const job = registry.getCronJob('every-second');
    assert.equal(job.isActive, true);
    assert.ok(job.lastDate() instanceof Date && job.nextDate()! > job.lastDate()!);
  } finally {
    await app.close();
  }
  const jobs = app.get(Jobs);
  const counts = [jobs.cron, jobs.interval, jobs.failures];
  await sleep(1_100);
  assert.deepEqual([jobs.cron, jobs.interval, jobs.failures], counts, 'nothing runs after close');
  assert.equal(timers(), before, 'every timer was cleared');
});

test('SchedulerRegistry at run time: add, list, get, delete; duplicates and unknown names are coded errors', async () => {
  const app = await start([]);
  const registry = app.get(SchedulerRegistry);
  try {
    let ticks = 0;
    const job = new CronJob('* * * * * *', () => {
      ticks++;
    });
    registry.addCronJob('dynamic', job);
    assert.equal(job.isActive, false, 'not started until start()');
    job.start();
    assert.ok(registry.doesExist('cron', 'dynamic'));
    let intervalRuns = 0;
    registry.addInterval(
      'dyn-interval',
      setInterval(() => intervalRuns++, 20),
    );
    registry.addTimeout(
      'dyn-timeout',
      setTimeout(() => assert.fail('deleted before it fired'), 5_000),
    );
    assert.deepEqual(registry.getIntervals(), ['dyn-interval']);
    assert.deepEqual(registry.getTimeouts(), ['dyn-timeout']);
    await eventually(() => ticks >= 1 && intervalRuns >= 2, 'the added jobs to run', 2_500);

    assert.throws(() => registry.addCronJob('dynamic', job), { code: 'SN_ERR_SCHEDULER_DUPLICATE', message: /dynamic/ });
    assert.throws(() => registry.getCronJob('nope'), { code: 'SN_ERR_SCHEDULER_NOT_FOUND', message: /nope/ });
    assert.throws(() => registry.getInterval('nope'), { code: 'SN_ERR_SCHEDULER_NOT_FOUND' });
    assert.throws(() => registry.addCronJob('bad', {} as never), { code: 'SN_ERR_INVALID_ARGUMENT' });

    registry.deleteCronJob('dynamic');
    registry.deleteInterval('dyn-interval');
    registry.deleteTimeout('dyn-timeout');
    assert.equal(job.isActive, false);
    assert.equal(registry.getCronJobs().size, 0);
    const [t, i] = [ticks, intervalRuns];
    await sleep(300);
    assert.deepEqual([ticks, intervalRuns], [t, i], 'deleted jobs stop');
  } finally {
    await app.close();
  }
});

test('a registered job added at run time is stopped on close too', async () => {
  const before = timers();
  const app = await start([]);
  const job = CronJob.from({ cronTime: '*/10 * * * * *', onTick: () => undefined, start: true });
  app.get(SchedulerRegistry).addCronJob('left-running', job);
  app.get(SchedulerRegistry).addInterval(
    'left-interval',
    setInterval(() => undefined, 1_000),
  );
  assert.ok(timers() > before);
  await app.close();
  assert.equal(job.isActive, false);
  assert.equal(timers(), before);
});

test('a bad cron expression or time zone fails start-up with a code naming the class and the method', async () => {
  @Injectable()
  class BadExpression {
    @Cron('61 * * * *')
    tick() {}
  }
  @Injectable()
  class BadZone {
    @Cron(CronExpression.EVERY_MINUTE, { timeZone: 'Mars/Olympus_Mons' })
    report() {}
  }
  await assert.rejects(start([BadExpression]), { code: 'SN_ERR_INVALID_CRON_EXPRESSION', message: /BadExpression\.tick.*61 \* \* \* \*/ });
  await assert.rejects(start([BadZone]), { code: 'SN_ERR_INVALID_CRON_EXPRESSION', message: /BadZone\.report/ });
  // Through NestFactory too: the error comes from init(), before anything listens.
  @Module({ imports: [ScheduleModule.forRoot()], providers: [BadExpression] })
  class BadModule {}
  const app = await NestFactory.create(BadModule, { logger: false });
  await assert.rejects(app.init(), { code: 'SN_ERR_INVALID_CRON_EXPRESSION' });
  await app.close();
  assert.throws(() => Interval(0), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => Timeout('x', 2 ** 31), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => new CronJob('not a cron', () => undefined), { code: 'SN_ERR_INVALID_CRON_EXPRESSION' });
});

test('overlap: a tick while the previous run goes on is skipped, unless waitForCompletion is false', async () => {
  let concurrent = 0;
  let most = 0;
  let started = 0;
  const work = async () => {
    started++;
    concurrent++;
    most = Math.max(most, concurrent);
    await sleep(50);
    concurrent--;
  };
  const waiting = CronJob.from({ cronTime: '0 0 1 1 *', onTick: work });
  await Promise.all([waiting.fireOnTick(), waiting.fireOnTick(), waiting.fireOnTick()]);
  assert.deepEqual([started, most], [1, 1]);

  started = 0;
  most = 0;
  const overlapping = CronJob.from({ cronTime: '0 0 1 1 *', onTick: work, waitForCompletion: false });
  await Promise.all([overlapping.fireOnTick(), overlapping.fireOnTick(), overlapping.fireOnTick()]);
  assert.deepEqual([started, most], [3, 3]);
});

test('a cron job in a time zone computes its ticks there', () => {
  const job = CronJob.from({ cronTime: '0 0 9 * * *', onTick: () => undefined, timeZone: 'Asia/Tokyo' });
  const next = job.nextDate()!;
  assert.equal(next.getUTCHours(), 0, '09:00 in Tokyo is 00:00 UTC');
  const offset = CronJob.from({ cronTime: '0 0 9 * * *', onTick: () => undefined, utcOffset: 120 });
  assert.equal(offset.nextDate()!.getUTCHours(), 7);
});

test('forRoot({ cronJobs: false, intervals: false, timeouts: false }) registers nothing that runs', async () => {
  @Module({ imports: [ScheduleModule.forRoot({ cronJobs: false, intervals: false, timeouts: false })], providers: [Jobs] })
  class QuietModule {}
  const moduleRef = await Test.createTestingModule({ imports: [QuietModule] }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  try {
    await sleep(100);
    const jobs = app.get(Jobs);
    assert.deepEqual([jobs.interval, jobs.timeout, jobs.failures], [0, 0, 0]);
    assert.equal(app.get(SchedulerRegistry).getCronJob('every-second').isActive, false);
  } finally {
    await app.close();
  }
});
