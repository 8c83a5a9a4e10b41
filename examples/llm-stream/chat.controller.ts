import { BadRequestException, Body, Controller, Get, getSSEStream, Header, HttpCode, Inject, Post, UseGuards } from 'streamnest';
import { BearerGuard } from './bearer.guard.js';
import { CHAT_OPTIONS, type ChatOptions } from './chat-options.js';
import type { ChatEvents } from './chat-events.js';
import { ChatLog } from './chat-log.js';
import { clientBundle } from './client-bundle.js';
import { fakeModel } from './fake-model.js';
import { PAGE } from './page.js';

/** One event of the chat contract, as the handler writes it. */
type ChatEvent = { [K in keyof ChatEvents]: { event: K; data: ChatEvents[K] } }[keyof ChatEvents];

@Controller()
export class ChatController {
  constructor(
    private readonly log: ChatLog,
    @Inject(CHAT_OPTIONS) private readonly options: ChatOptions,
  ) {}

  /** The chat page. The demo prefills the token; a real page would get one from its login. */
  @Get('/')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page() {
    return PAGE.replace('{{TOKEN}}', this.options.token);
  }

  @Get('/streamnest-client.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  client() {
    return clientBundle();
  }

  /**
   * Streams an answer to `prompt` as `token` events, then `done`. An event
   * stream answering a POST: `@Sse()` routes are GET (for EventSource), so this
   * is a plain route returning getSSEStream()'s body, with the event-stream
   * headers set here. The stream's `cancel` runs when the client goes away (the
   * page's Stop aborts the request), and stops the model.
   */
  @Post('/chat')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  @Header('Content-Type', 'text/event-stream')
  @Header('Cache-Control', 'no-cache, no-transform')
  @Header('X-Accel-Buffering', 'no')
  chat(@Body('prompt') prompt: unknown) {
    if (typeof prompt !== 'string' || prompt.trim() === '' || prompt.length > 2000) {
      throw new BadRequestException('"prompt" must be a non-empty string of at most 2000 characters');
    }
    const generation = this.log.start(prompt);
    const { write, end, body } = getSSEStream({ cancel: () => generation.cancel() });
    const send = (event: ChatEvent) => write(event);
    (async () => {
      for await (const text of fakeModel(prompt, this.options.delayMs, generation.signal)) {
        send({ event: 'token', data: { text } });
        generation.tokens++;
      }
      if (generation.signal.aborted) return;
      generation.outcome = 'done';
      send({ event: 'done', data: { tokens: generation.tokens } });
      end();
    })();
    return body;
  }
}
