import { BadRequestException, Body, Controller, Get, Header, LastEventId, Post, Sse, SseHub } from 'streamnest';
import { PAGE } from './page.js';

const INSTANCE = `${process.env.PORT ?? '2000'}/${process.pid}`;

/** A chat room on the hub: every tab watches the channel, the form publishes to it. */
@Controller()
export class ChatController {
  constructor(private readonly hub: SseHub) {}

  @Get('/')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page() {
    return PAGE.replace('{{INSTANCE}}', INSTANCE);
  }

  /** Resumes from Last-Event-ID: a reconnecting tab gets exactly what it missed, or `reset`. */
  @Get('/events')
  @Sse()
  events(@LastEventId() lastEventId?: string) {
    return this.hub.subscribe('chat', { lastEventId });
  }

  @Post('/publish')
  async publish(@Body('text') text: unknown) {
    if (typeof text !== 'string' || text.trim() === '' || text.length > 500) {
      throw new BadRequestException('"text" must be a non-empty string of at most 500 characters');
    }
    const id = await this.hub.publish('chat', { data: { text, via: INSTANCE, at: new Date().toISOString() } });
    return { id };
  }
}
