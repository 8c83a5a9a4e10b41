import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Inject, Injectable, Module } from 'streamnest';
import { Test } from 'streamnest/testing';
import { Cron, CronExpression, RedisCronLocker, ScheduleModule } from 'streamnest/schedule';
import { CaptureLogger, eventually } from '../core/support.js';
import { freePort } from '../support/redis.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test:cron:${randomUUID()}:`;
const redis = new Redis(REDIS_URL);
after(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** Every run of both apps: which app, which job, in which second. */
const runs: Array<{ app: string; job: string; second: number }> = [];

@Injectable()
class Report {
  constructor(@Inject('APP_ID') private readonly app: string) {}

  @Cron(CronExpression.EVERY_SECOND, { name: 'report', distributed: true })
  once() {
    runs.push({ app: this.app, job: 'distributed', second: Math.floor(Date.now() / 1000) });
  }

  @Cron(CronExpression.EVERY_SECOND, { name: 'local' })
  everywhere() {
    runs.push({ app: this.app, job: 'local', second: Math.floor(Date.now() / 1000) });
  }
}

async function app(id: string, locker = new RedisCronLocker({ url: REDIS_URL, keyPrefix: prefix }), logger?: CaptureLogger) {
  @Module({
    imports: [ScheduleModule.forRoot({ distributed: { locker } })],
    providers: [Report, { provide: 'APP_ID', useValue: id }],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const application = moduleRef.createNestApplication(logger ? { logger } : {});
  await application.init();
  return application;
}

test('two processes sharing Redis: a distributed job runs once per tick, a local one on both', async () => {
  const a = await app('a');
  const b = await app('b');
  try {
    await eventually(() => new Set(runs.filter((r) => r.job === 'distributed').map((r) => r.second)).size >= 3, 'three ticks', 6_000);
  } finally {
    await a.close();
    await b.close();
  }
  const perSecond = new Map<number, string[]>();
  for (const run of runs.filter((r) => r.job === 'distributed')) perSecond.set(run.second, [...(perSecond.get(run.second) ?? []), run.app]);
  for (const [second, apps] of perSecond) assert.equal(apps.length, 1, `tick ${second} ran on ${apps.join(' and ')}`);
  // The control: the same schedule without the lock runs on both apps.
  const local = runs.filter((r) => r.job === 'local');
  assert.ok(new Set(local.map((r) => r.app)).size === 2 && local.length > perSecond.size, 'the local job ran on both');
  // The lock keys name the job and the tick, and expire.
  const keys = await redis.keys(`${prefix}report:*`);
  assert.ok(keys.length >= 3, `lock keys: ${keys.join(', ')}`);
  assert.ok(keys.every((k) => /^.+report:\d{13}$/.test(k)));
  const pttl = await redis.pttl(keys[0]!);
  assert.ok(pttl > 0 && pttl <= 60_000, `PTTL ${pttl}`);
});

test('a distributed job without a locker, or a locker whose Redis cannot be reached, fails start-up', async () => {
  @Module({ imports: [ScheduleModule.forRoot()], providers: [Report, { provide: 'APP_ID', useValue: 'x' }] })
  class NoLocker {}
  const moduleRef = await Test.createTestingModule({ imports: [NoLocker] }).compile();
  await assert.rejects(moduleRef.createNestApplication().init(), { code: 'SN_ERR_SCHEDULE_NO_LOCKER', message: /Report\.once/ });

  const port = await freePort();
  await assert.rejects(app('y', new RedisCronLocker({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 })), {
    code: 'SN_ERR_REDIS_UNREACHABLE',
    message: /cron locker/,
  });
});

test('a locker that fails at a tick skips that tick with a warning, and the schedule goes on', async () => {
  let calls = 0;
  const broken = {
    async tryAcquire(): Promise<boolean> {
      calls++;
      throw new Error('lock backend down');
    },
  };
  const logs = new CaptureLogger();
  const before = runs.filter((r) => r.app === 'broken' && r.job === 'distributed').length;
  const application = await app('broken', broken as never, logs);
  try {
    await eventually(() => calls >= 2, 'two ticks', 4_000);
  } finally {
    await application.close();
  }
  assert.equal(runs.filter((r) => r.app === 'broken' && r.job === 'distributed').length, before, 'no tick ran without its lock');
  assert.ok(logs.lines.some((l) => l.level === 'warn' && /report: the tick of .* is skipped, its lock could not be taken: lock backend down/.test(l.message)));
});
