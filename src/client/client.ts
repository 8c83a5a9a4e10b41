import { SseClientError } from './client-error.js';
import type { Connection, ConnectionEvents, HeadersOption, RequestSpec } from './connection.js';
import type { ClientEvent, ClientEvents } from './contract-types.js';
import { eventSourceConnection } from './event-source-transport.js';
import { fetchConnection } from './fetch-transport.js';
import { lastEventIdStore, type PersistOption } from './last-event-id-store.js';
import { createReader, type Reader } from './event-reader.js';
import { DEFAULT_RETRY, reconnectDelay, type RetryOptions } from './reconnect-policy.js';

export interface ClientOptions {
  /** Default `GET`. Anything but GET needs the fetch transport. */
  method?: string;
  /** Sent with every attempt; a function is called before each one (a fresh token after `expired`, say). */
  headers?: HeadersOption;
  /** Sent with every attempt, so give a string (or another body fetch can send twice), not a stream. */
  body?: RequestInit['body'];
  /** Aborting it closes the client, as `close()` does. */
  signal?: AbortSignal;
  /** The id to resume after on the first attempt, if none is stored (see `persist`). */
  lastEventId?: string;
  /**
   * Keep the last event id across a page reload: `true` or `'sessionStorage'`
   * (this tab), `'localStorage'` (every tab), or a key of your own in
   * sessionStorage. A stored id wins over `lastEventId`. Off by default.
   */
  persist?: PersistOption;
  /** Reconnect policy; `false`: never reconnect, so the stream's end is the client's end (one-shot POST streams). */
  retry?: RetryOptions | false;
  /** How `data` becomes a value: by default JSON when it parses as JSON, else the text; `false` keeps the text. */
  parse?: false | ((text: string, event: string) => unknown);
  /** The fetch to use (Node with an agent of its own, a test). Default: the global one. */
  fetch?: typeof fetch;
  /** Send cookies cross-origin: fetch's `credentials: 'include'`, EventSource's `withCredentials`. */
  withCredentials?: boolean;
  /** `auto` (the default): fetch where there is one, else EventSource. */
  transport?: 'auto' | 'fetch' | 'eventsource';
  /** Event names an EventSource should hear besides those with a listener (it must be told each name). */
  events?: readonly string[];
  /**
   * The most one event may hold, in characters, over fetch (default 16 Mi): past
   * it the attempt fails (code `network`) instead of buffering without end, and
   * the client reconnects with backoff.
   */
  maxEventLength?: number;
}

/** 0 connecting (or waiting to reconnect), 1 open, 2 closed for good: EventSource's values. */
export type ReadyState = 0 | 1 | 2;

export interface SseClient<C = Record<string, unknown>> extends AsyncIterable<ClientEvent<C>> {
  /** Calls `listener` with each event named `event`, its data parsed; returns a function that stops it. */
  on<K extends keyof ClientEvents<C> & string>(event: K, listener: (data: ClientEvents<C>[K], event: ClientEvent<C, K>) => void): () => void;
  off<K extends keyof ClientEvents<C> & string>(event: K, listener: (data: ClientEvents<C>[K], event: ClientEvent<C, K>) => void): void;
  /** The hub's `reset`: the history no longer reaches the last id, so events were missed; refetch your state. */
  onReset(listener: (data: ClientEvents<C>['reset'], event: ClientEvent<C, 'reset'>) => void): () => void;
  /** Each time a stream opens (the first time, and after each reconnect). */
  onOpen(listener: () => void): () => void;
  /** Each failure; `readyState` is 2 when the client has given up, else it reconnects. */
  onError(listener: (error: SseClientError) => void): () => void;
  /** Stops at once: the request is aborted, no reconnect is pending, iterators end. */
  close(): void;
  /** The last event id seen (or given), sent as `Last-Event-ID` on the next attempt. */
  readonly lastEventId: string;
  readonly readyState: ReadyState;
  /** Each event, in order, until the client closes; a failure the client gives up on is thrown. `break` closes the client. */
  [Symbol.asyncIterator](): AsyncIterator<ClientEvent<C>, undefined>;
}

type Listener = (...args: any[]) => void;

const OPEN = Symbol();
const ERROR = Symbol();
/** Events an iterator may hold before the transport stops reading (the server then sees a slow reader). */
const HIGH_WATER = 100;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** A listener's throw must not break the stream, nor vanish: it is thrown again outside, as a DOM listener's would be reported. */
const rethrow = (error: unknown) =>
  queueMicrotask(() => {
    throw error;
  });

/**
 * A client for one event stream, typed by contract `C` (the server's
 * `defineEvents()` contract as a type, or a plain map of event names to data
 * types). It connects at once, and reconnects by its policy until closed.
 */
export function createClient<C = Record<string, unknown>>(url: string | URL, options: ClientOptions = {}): SseClient<C> {
  const { signal, parse = parseJson, retry } = options;
  const spec: RequestSpec = {
    url: String(url),
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    withCredentials: !!options.withCredentials,
    maxEventLength: options.maxEventLength,
  };
  const fetcher = options.fetch ?? globalThis.fetch;
  const useFetch = options.transport !== 'eventsource' && (options.transport === 'fetch' || typeof fetcher === 'function');
  if (!useFetch && (spec.method !== 'GET' || spec.headers || spec.body != null)) {
    throw new SseClientError('EventSource sends a GET with no headers and no body: use the fetch transport for method, headers or body', 'option');
  }
  const policy = retry === false ? undefined : { ...DEFAULT_RETRY, ...retry };
  const store = lastEventIdStore(options.persist, spec.url);
  const listeners = new Map<string | symbol, Set<Listener>>();
  const readers = new Set<Reader<ClientEvent<C>>>();
  let lastEventId = store?.read() ?? options.lastEventId ?? '';
  let state: ReadyState = 0;
  let base = policy?.initial ?? 0;
  let attempt = 0;
  let connection: Connection | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // While an iterator is behind: the promise the transport waits on, and what settles it.
  let paused: Promise<void> | undefined;
  let resume: (() => void) | undefined;

  const emit = (key: string | symbol, ...args: unknown[]) => {
    for (const listener of listeners.get(key) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        rethrow(error);
      }
    }
  };

  const listen = (key: string | symbol, listener: Listener) => {
    let set = listeners.get(key);
    if (!set) listeners.set(key, (set = new Set()));
    set.add(listener);
    if (typeof key === 'string') connection?.watch?.(key);
    return () => void set.delete(listener);
  };

  const behind = () => [...readers].some((reader) => reader.size() >= HIGH_WATER);

  const drain = () => {
    if (resume && (state === 2 || !behind())) {
      resume();
      paused = resume = undefined;
    }
  };

  const shut = (error?: SseClientError) => {
    if (state === 2) return;
    state = 2;
    clearTimeout(timer);
    connection?.close();
    signal?.removeEventListener('abort', close);
    if (error) emit(ERROR, error);
    for (const reader of readers) reader.end(error);
    readers.clear();
    drain();
  };

  const close = () => shut();

  const block = (id: string, type: string, text: string | undefined) => {
    if (state === 2) return;
    if (id !== lastEventId) {
      lastEventId = id;
      store?.write(id);
    }
    if (text === undefined) return;
    let data: unknown;
    try {
      data = parse ? parse(text, type) : text;
    } catch (error) {
      return rethrow(error);
    }
    const event = { event: type, data, id } as ClientEvent<C>;
    emit(type, data, event);
    for (const reader of readers) reader.push(event);
  };

  const end = (error?: SseClientError, retryAfter = 0) => {
    if (state === 2) return;
    const status = error?.status ?? 0;
    // 204 is the server saying "stop"; other 4xx (but 408 and 429) and a wrong type would only fail again.
    if (status === 204) return shut();
    if (!policy || (error && error.code !== 'network' && status < 500 && status !== 408 && status !== 429)) return shut(error);
    state = 0;
    if (error) emit(ERROR, error);
    // An error listener may have closed the client.
    if ((state as ReadyState) !== 2) timer = setTimeout(connect, Math.max(retryAfter, reconnectDelay(base, attempt++, policy)));
  };

  const events: ConnectionEvents = {
    open: () => {
      state = 1;
      attempt = 0;
      emit(OPEN);
    },
    block,
    retry: (ms) => {
      base = ms;
    },
    end,
    room: () => (behind() ? (paused ??= new Promise((settle) => (resume = settle))) : undefined),
  };

  const names = () => [
    'message',
    'reset',
    'expired',
    ...(options.events ?? []),
    ...[...listeners.keys()].filter((key): key is string => typeof key === 'string'),
  ];

  function connect() {
    state = 0;
    connection = useFetch ? fetchConnection(spec, lastEventId, fetcher, events) : eventSourceConnection(spec, lastEventId, names(), events);
  }

  const client: SseClient<C> = {
    on: listen as SseClient<C>['on'],
    off: (name, listener) => void listeners.get(name)?.delete(listener),
    onReset: (listener) => listen('reset', listener),
    onOpen: (listener) => listen(OPEN, listener),
    onError: (listener) => listen(ERROR, listener),
    close,
    get lastEventId() {
      return lastEventId;
    },
    get readyState() {
      return state;
    },
    [Symbol.asyncIterator]() {
      const reader = createReader<ClientEvent<C>>(drain, () => {
        readers.delete(reader);
        close();
      });
      if (state === 2) reader.end();
      else readers.add(reader);
      return reader.iterator;
    },
  };

  if (signal?.aborted) state = 2;
  else {
    signal?.addEventListener('abort', close);
    connect();
  }
  return client;
}
