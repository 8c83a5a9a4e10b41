import { Module, SseModule } from 'streamnest';
import { CacheModule } from 'streamnest/cache';
import { CookiesModule } from 'streamnest/cookies';
import { JwtModule } from 'streamnest/jwt';
import { ScheduleModule } from 'streamnest/schedule';
import { MulterModule, memoryStorage } from 'streamnest/upload';
import { Avatars } from './avatars.js';
import { DashboardController } from './dashboard.controller.js';
import { FeedController } from './feed.controller.js';
import { newsJob } from './news.job.js';

export interface DashboardOptions {
  /** Signs the session cookie and the stream tokens. In production, from configuration, never in code. */
  secret: string;
  /** When the news summary goes out, as a cron expression with seconds. Default: every 10 seconds. */
  summaryCron?: string;
}

/** Every first-party module at once, on the embedded defaults: memory for the hub, the cache and the uploads. */
export function dashboardModule({ secret, summaryCron }: DashboardOptions) {
  @Module({
    imports: [
      SseModule.forRoot({ statsPath: '/sse/stats' }),
      CookiesModule.forRoot({ secret }),
      JwtModule.register({ secret, signOptions: { expiresIn: '5m' } }),
      CacheModule.register({ ttl: 2_000, max: 100 }),
      ScheduleModule.forRoot(),
      MulterModule.register({ storage: memoryStorage(), limits: { fileSize: 512 * 1024, files: 1 } }),
    ],
    controllers: [DashboardController, FeedController],
    providers: [Avatars, newsJob(summaryCron)],
  })
  class DashboardModule {}
  return DashboardModule;
}
