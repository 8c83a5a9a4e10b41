import { Injectable, Logger, SseHub } from 'streamnest';
import { Cron, Interval } from 'streamnest/schedule';

/** The summary's schedule unless the app gives another: every 10 seconds. */
export const SUMMARY_CRON = '*/10 * * * * *';

/**
 * The server's own news: a tick every few seconds, and a summary on a cron
 * schedule. Made by a function because a decorator's arguments are fixed when
 * the class is made, and the summary's schedule is an option (its test runs it
 * every second rather than wait ten).
 */
export function newsJob(summaryCron = SUMMARY_CRON) {
  @Injectable()
  class NewsJob {
    private readonly logger = new Logger('NewsJob');
    private ticks = 0;

    constructor(private readonly hub: SseHub) {}

    @Interval('tick', 3_000)
    async tick() {
      this.ticks++;
      await this.hub.publish('news', { event: 'tick', data: { n: this.ticks, at: new Date().toISOString() } });
    }

    @Cron(summaryCron, { name: 'summary' })
    async summary() {
      const { subscribers, published } = this.hub.stats();
      await this.hub.publish('news', { event: 'summary', data: { subscribers, published } });
      this.logger.debug(`summary sent to ${subscribers} subscribers`);
    }
  }
  return NewsJob;
}
