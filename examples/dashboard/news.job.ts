import { Injectable, Logger, SseHub } from 'streamnest';
import { Cron, Interval } from 'streamnest/schedule';

/** The server's own news: a tick every few seconds, and a summary on a cron schedule. */
@Injectable()
export class NewsJob {
  private readonly logger = new Logger('NewsJob');
  private ticks = 0;

  constructor(private readonly hub: SseHub) {}

  @Interval('tick', 3_000)
  async tick() {
    this.ticks++;
    await this.hub.publish('news', { event: 'tick', data: { n: this.ticks, at: new Date().toISOString() } });
  }

  @Cron('*/10 * * * * *', { name: 'summary' })
  async summary() {
    const { subscribers, published } = this.hub.stats();
    await this.hub.publish('news', { event: 'summary', data: { subscribers, published } });
    this.logger.debug(`summary sent to ${subscribers} subscribers`);
  }
}
