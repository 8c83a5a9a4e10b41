import { readFileSync } from 'node:fs';
import { Errors } from '../errors.js';
import { integerOption } from '../common/integer-option.js';

/**
 * The HTTP server's time and connection limits: `NestFactory.create(AppModule, { http: { ... } })`.
 * Every one has a safe default; slowloris clients, stalled bodies and
 * connection floods are cut off without help from a proxy in front.
 */
export interface ServerLimitsOptions {
  /** Time to receive a request's headers, in ms; a slower client gets 408 and is disconnected. Default 10 000. */
  headersTimeout?: number;
  /** Time to receive a whole request, headers and body, in ms. Default 60 000. */
  requestTimeout?: number;
  /** The longest pause allowed while a body is being read, in ms; past it, 408 and the connection closes. Default 10 000. */
  bodyTimeout?: number;
  /** How long an idle keep-alive connection is kept, in ms. Default 5 000. */
  keepAliveTimeout?: number;
  /**
   * Connections held at once. A connection past it is answered once (503 with
   * `Retry-After`, or for an EventSource a `retry:` hint) and closed.
   * Default: the process's open-file limit less 512, so a flood can never use
   * up the descriptors the app needs for its own files and backends.
   */
  maxConnections?: number;
  /**
   * Connections from one client address, answered the same way past the limit.
   * Default 0: no limit, since clients behind one proxy or NAT share an address.
   * Set it when clients connect directly.
   */
  maxConnectionsPerAddress?: number;
  /** The largest request head (request line and headers), in bytes; a larger one gets 431. Default 16 KiB. */
  maxHeaderSize?: number;
}

export type ServerLimits = Required<ServerLimitsOptions>;

/** Descriptors kept back from the connection limit for files, logs and backend connections. */
const RESERVED_FILES = 512;
const FALLBACK_MAX_CONNECTIONS = 16_384;

export function resolveServerLimits(options: ServerLimitsOptions = {}): ServerLimits {
  const defaults: ServerLimits = {
    headersTimeout: 10_000,
    requestTimeout: 60_000,
    bodyTimeout: 10_000,
    keepAliveTimeout: 5_000,
    maxConnections: defaultMaxConnections(),
    maxConnectionsPerAddress: 0,
    maxHeaderSize: 16 * 1024,
  };
  const limits = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(key in defaults))
      throw Errors.INVALID_OPTION("the app's http options", key, `is not a server limit; known ones are ${Object.keys(defaults).join(', ')}`);
    const min = key === 'maxConnectionsPerAddress' ? 0 : 1;
    limits[key as keyof ServerLimits] = integerOption(value, min, (rule) => Errors.INVALID_OPTION("the app's http options", key, rule));
  }
  // Node refuses a header timeout longer than the request timeout, but only at listen(); say so now.
  if (limits.headersTimeout > limits.requestTimeout) {
    throw Errors.INVALID_OPTION(
      "the app's http options",
      'headersTimeout',
      `(${limits.headersTimeout} ms) must not exceed requestTimeout (${limits.requestTimeout} ms); raise requestTimeout too`,
    );
  }
  return limits;
}

/**
 * The soft open-file limit from /proc (Linux), less a reserve of 512 or a
 * quarter of it, whichever is smaller; elsewhere, or when unlimited, a fixed
 * fallback.
 */
function defaultMaxConnections(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    if (Number.isSafeInteger(soft) && soft > 0) return Math.max(1, soft - Math.min(RESERVED_FILES, Math.floor(soft / 4)));
  } catch {
    // Not Linux: no /proc.
  }
  return FALLBACK_MAX_CONNECTIONS;
}
