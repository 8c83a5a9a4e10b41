import { Controller, Get, LastEventId, Query, Sse, SseHub, SseModule, type SseTransport } from 'streamnest';
import { startApp, type RunningApp } from '../support/app.js';

/** The app the hub tests run: channels by query, resuming by Last-Event-ID. */
@Controller()
export class FeedController {
  constructor(private readonly hub: SseHub) {}

  @Get('/feed')
  @Sse({ heartbeat: false })
  feed(@LastEventId() lastEventId?: string, @Query('channels') channels = 'news') {
    return this.hub.subscribe(channels.split(','), { lastEventId });
  }

  @Get('/odd')
  @Sse()
  odd() {
    return this.hub.subscribe('numbers', { filter: (e) => Number(e.data) % 2 === 1 });
  }
}

export interface HubApp extends RunningApp {
  hub: SseHub;
}

export async function startHubApp(transport: SseTransport, statsPath?: string): Promise<HubApp> {
  const running = await startApp({ imports: [SseModule.forRoot({ transport, statsPath })], controllers: [FeedController] });
  return { ...running, hub: running.app.get(SseHub) };
}

export async function publishMany(hub: SseHub, channel: string, from: number, to: number): Promise<string[]> {
  const ids = [];
  for (let i = from; i <= to; i++) ids.push(await hub.publish(channel, { data: String(i) }));
  return ids;
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
