import http from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface EventClient {
  events: EventSourceMessage[];
  status: number;
  retries: number[];
  /** Resolves once `count` events have arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  ended: Promise<void>;
  close(): void;
}

/** A minimal SSE client that parses with eventsource-parser, for counting and ordering checks. */
export function connectEvents(url: string, headers: Record<string, string> = {}, agent?: http.Agent): Promise<EventClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: agent ?? false }, (res) => {
      const events: EventSourceMessage[] = [];
      const retries: number[] = [];
      const waiters = new Set<() => void>();
      const parser = createParser({
        onEvent: (e) => {
          events.push(e);
          for (const w of [...waiters]) w();
        },
        onRetry: (r) => retries.push(r),
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      const ended = new Promise<void>((done) => res.on('close', done));
      resolve({
        events,
        retries,
        ended,
        status: res.statusCode ?? 0,
        close: () => req.destroy(),
        waitForCount(count, timeoutMs = 10_000) {
          return new Promise((ok, fail) => {
            const check = () => {
              if (events.length < count) return;
              clearTimeout(timer);
              waiters.delete(check);
              ok(events);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`got ${events.length} of ${count} events`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
      });
    });
    req.on('error', reject);
  });
}
