import * as http from 'node:http';
import * as https from 'node:https';
import { Errors } from '../errors.js';

/** One event as a spec-following client sees it. */
export interface ReceivedEvent {
  /** The event name; `message` when the server sent none. */
  type: string;
  data: string;
  /** The last event id in force when this event was dispatched (carried over, as EventSource does). */
  lastEventId: string;
}

export interface SseTestClientOptions {
  /** Sent as `Last-Event-ID`, to test resuming. */
  lastEventId?: string;
  headers?: Record<string, string>;
  /** For https test servers with a self-signed certificate. */
  ca?: string | Buffer;
}

/**
 * A small SSE client for tests, written to the WHATWG parsing rules: lines end
 * in CR, LF or CRLF (even split across chunks), one leading space is stripped,
 * `id` with NUL is ignored, `retry` takes digits only, a blank line dispatches.
 * It does not reconnect: each connection is explicit, so tests stay exact.
 */
export class SseTestClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  /** The last `retry:` value the server sent, if any. */
  retry: number | undefined;
  lastEventId = '';
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** Resolves when the server ends the stream or the connection drops. */
  readonly closed: Promise<void>;

  private request: http.ClientRequest | undefined;
  private buffer = '';
  private data: string[] = [];
  private type = '';
  private sawData = false;
  private pendingCR = false;
  private waiters = new Set<() => void>();
  private resolveClosed!: () => void;

  private constructor() {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** Connects and resolves once the response headers are in (whatever the status). */
  static connect(url: string, options: SseTestClientOptions = {}): Promise<SseTestClient> {
    const client = new SseTestClient();
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...options.headers };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const get = url.startsWith('https:') ? https.get : http.get;
    return new Promise((resolve, reject) => {
      client.request = get(url, { headers, agent: false, ca: options.ca }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('close', () => {
          client.notify();
          client.resolveClosed();
        });
        resolve(client);
      });
      client.request.on('error', (error) => {
        client.resolveClosed();
        reject(error);
      });
    });
  }

  /** Resolves with the first `count` events once they have arrived. */
  take(count: number, timeoutMs = 5000): Promise<ReceivedEvent[]> {
    return this.until(() => this.events.length >= count, timeoutMs, `${count} events`).then(() => this.events.slice(0, count));
  }

  /** Resolves once `predicate` holds over the events received so far. */
  until(predicate: () => boolean, timeoutMs = 5000, what = 'the condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(Errors.TEST_CLIENT_TIMEOUT(timeoutMs, what, this.events.length));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Drops the connection, as a closed tab would. */
  close(): void {
    this.request?.destroy();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private feed(chunk: string): void {
    let text = chunk;
    // A CR ending the last chunk and an LF starting this one are one line end.
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i));
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCR = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    this.notify();
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') {
      this.data.push(value);
      this.sawData = true;
    } else if (field === 'event') this.type = value;
    else if (field === 'id') {
      if (!value.includes('\0')) this.lastEventId = value;
    } else if (field === 'retry') {
      if (/^\d+$/.test(value)) this.retry = Number(value);
    }
  }

  private dispatch(): void {
    if (this.sawData) this.events.push({ type: this.type || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId });
    this.data = [];
    this.type = '';
    this.sawData = false;
  }
}
