// The streamnest app the client tests talk to, on 127.0.0.1: typed streams, a POST
// stream, retry hints, refusals of every kind, a hub channel on a memory
// transport that can outlive one app (so a restart on the same port replays
// exactly), and a log of what the server saw: each request and each cancel.
import type { IncomingMessage } from 'node:http';
import {
  Body,
  Controller,
  Get,
  getSSEStream,
  Header,
  LastEventId,
  MemoryTransport,
  Param,
  Post,
  Query,
  Req,
  Res,
  Sse,
  SseHub,
  SseModule,
  type ExpressResponse,
  type NestApplication,
  type Type,
} from 'streamnest';
import { Test } from 'streamnest/testing';

/** What the contract of /typed says, as the server's defineEvents() would type it. */
export interface TypedEvents {
  progress: { percent: number };
  done: { ok: boolean };
  message: string | number;
}

export interface ServerLog {
  /** `lastEventId`: the Last-Event-ID header, or the `lastEventId` query parameter (EventSource can send only that). */
  requests: Array<{ method: string; path: string; lastEventId?: string; authorization?: string; at: number }>;
  /** The path of each stream whose `cancel` ran (the client went away). */
  cancels: string[];
}

export function newLog(): ServerLog {
  return { requests: [], cancels: [] };
}

export const count = (log: ServerLog, path: string) => log.requests.filter((r) => r.path === path).length;

/** A stream that stays open, recording its cancel: the stream writes nothing more after `events`. */
function openStream(log: ServerLog, path: string, events: Parameters<ReturnType<typeof getSSEStream>['write']>[0][]) {
  const { write, body } = getSSEStream({ cancel: () => log.cancels.push(path) });
  for (const event of events) write(event);
  return body;
}

export function controllers(log: ServerLog) {
  @Controller('')
  class ClientTestController {
    constructor(private readonly hub: SseHub) {}

    @Get('/typed')
    @Sse()
    typed() {
      return openStream(log, '/typed', [
        { id: 1, event: 'progress', data: { percent: 10 } },
        { id: 2, event: 'progress', data: { percent: 60 } },
        { data: 'plain text' },
        { data: '42' },
        { id: 3, event: 'done', data: { ok: true } },
      ]);
    }

    /** A POST answered with an event stream (201, as a POST route answers): what it got comes back as one event. */
    @Post('/echo')
    @Header('Content-Type', 'text/event-stream')
    @Header('Cache-Control', 'no-cache')
    echo(@Body() body: unknown, @Req() req: IncomingMessage) {
      const { write, end, body: stream } = getSSEStream({ cancel: () => log.cancels.push('/echo') });
      write({ event: 'echo', data: { method: req.method, body, authorization: req.headers.authorization ?? null } });
      end();
      return stream;
    }

    /** Asks for `retry: 300`, sends one event with the next id, and ends: the client comes back after the retry. */
    @Get('/retry-then-end')
    @Sse()
    retryThenEnd(@LastEventId() lastEventId?: string) {
      const { write, end, body } = getSSEStream();
      write({ retry: 300, id: Number(lastEventId ?? 0) + 1, data: { n: Number(lastEventId ?? 0) + 1 } });
      end();
      return body;
    }

    /** Ends after one event, with no retry hint: the client's own policy sets the wait. */
    @Get('/ends')
    @Sse()
    ends(@LastEventId() lastEventId?: string) {
      const { write, end, body } = getSSEStream();
      write({ id: Number(lastEventId ?? 0) + 1, data: 'once' });
      end();
      return body;
    }

    /** Answers `code` with a JSON body, and `Retry-After` if asked. */
    @Get('/status/:code')
    status(@Param('code') code: string, @Query('retryAfter') retryAfter: string | undefined, @Res() res: ExpressResponse) {
      if (retryAfter) res.set('Retry-After', retryAfter);
      res.status(Number(code)).json({ statusCode: Number(code) });
    }

    /** A 200 that is not an event stream. */
    @Get('/text')
    text() {
      return 'hello';
    }

    /** An event every 50 ms, ids counting on from Last-Event-ID, until the client goes away. */
    @Get('/ticks')
    @Sse()
    ticks(@LastEventId() lastEventId?: string) {
      let n = Number(lastEventId ?? 0);
      const { write, body } = getSSEStream({
        cancel: () => {
          clearInterval(timer);
          log.cancels.push('/ticks');
        },
      });
      const timer = setInterval(() => write({ id: ++n, event: 'tick', data: { n } }), 50);
      return body;
    }

    /** `n` events at once, as fast as the socket takes them. */
    @Get('/burst')
    @Sse()
    burst(@Query('n') n: string) {
      const { write, body } = getSSEStream({ cancel: () => log.cancels.push('/burst') });
      for (let i = 1; i <= Number(n); i++) write({ id: i, event: 'tick', data: { n: i, pad: 'x'.repeat(80) } });
      return body;
    }

    /** A hub channel: replay after Last-Event-ID, or `reset` when the history cannot give it. */
    @Get('/news')
    @Sse()
    news(@LastEventId() lastEventId?: string) {
      return this.hub.subscribe('news', { lastEventId });
    }

    /** The same channel behind an authorization that runs out `ttl` ms after each connection: the client hears `expired`. */
    @Get('/news-expiring')
    @Sse()
    expiring(@Query('ttl') ttl: string, @LastEventId() lastEventId?: string) {
      return this.hub.subscribe('news', { lastEventId, expiresAt: Date.now() + Number(ttl) });
    }
  }
  return [ClientTestController];
}

export interface ClientTestApp {
  app: NestApplication;
  url: string;
  port: number;
  hub: SseHub;
  close(): Promise<void>;
}

/**
 * Starts the app on `port` (0: any). A `transport` given by the caller outlives
 * the app, so a second app on it replays what the first published.
 */
export async function startClientApp(
  log: ServerLog,
  options: { port?: number; transport?: MemoryTransport; shutdownRetry?: number; controllers?: Type[]; configure?: (app: NestApplication) => void } = {},
): Promise<ClientTestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [SseModule.forRoot({ transport: options.transport ?? new MemoryTransport() })],
    controllers: [...controllers(log), ...(options.controllers ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false, sse: { shutdownRetry: options.shutdownRetry ?? 200 } });
  app.use((req, _res, next) => {
    const [path, query] = (req.url ?? '').split('?');
    log.requests.push({
      method: req.method ?? '',
      path: path!,
      lastEventId: (req.headers['last-event-id'] as string | undefined) ?? new URLSearchParams(query).get('lastEventId') ?? undefined,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    next();
  });
  options.configure?.(app);
  await app.listen({ port: options.port ?? 0, hostname: '127.0.0.1' });
  const url = app.getUrl();
  let closed: Promise<void> | undefined;
  return { app, url, port: Number(new URL(url).port), hub: app.get(SseHub), close: () => (closed ??= app.close()) };
}
