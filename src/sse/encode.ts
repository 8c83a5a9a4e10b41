import type { SSEMessageEvent } from './message-event.js';
import { describeThrown, printable } from '../common/describe.js';
import { Errors } from '../errors.js';

/**
 * The SSE wire format, exact to the WHATWG HTML "Server-sent events" rules:
 * LF line ends only, one space after each colon, data split on CRLF, CR and LF
 * (never on U+2028/U+2029/U+0085), a blank line after every event, no BOM.
 * Pure functions: nothing here touches a socket.
 */

/** A field value that breaks the wire format; defined with every other error, in errors.ts. */
export { SseFieldError } from '../errors.js';

const LINE_BREAK = /\r\n|\r|\n/;

/** One `field: line` per line of `value`, which may hold any mix of CR, LF and CRLF. An empty line is `field:` alone. */
function lines(field: string, value: string): string {
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return line(field, value);
  let out = '';
  for (const piece of value.split(LINE_BREAK)) out += line(field, piece);
  return out;
}

function line(field: string, value: string): string {
  return value === '' ? `${field}\n` : `${field} ${value}\n`;
}

/** The text of a `data` value: a string as it is, anything else as JSON. */
export function dataText(data: unknown): string {
  if (typeof data === 'string') return data;
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    // A BigInt, a cycle, or a toJSON that throws.
    throw Errors.SSE_FIELD('data', `must be a string or a JSON-serialisable value: ${describeThrown(error).message}`);
  }
  if (json === undefined) throw Errors.SSE_FIELD('data', `must be a string or a JSON-serialisable value, got ${typeof data}`);
  return json;
}

export function checkId(id: unknown): string {
  const text = typeof id === 'number' ? (Number.isFinite(id) ? String(id) : '') : id;
  if (typeof text !== 'string' || (typeof id === 'number' && text === '')) {
    throw Errors.SSE_FIELD('id', `must be a string or a finite number, got ${printable(id)}`);
  }
  if (/[\r\n\0]/.test(text)) throw Errors.SSE_FIELD('id', 'must not contain CR, LF or NUL');
  return text;
}

export function checkEvent(event: unknown): string {
  if (typeof event !== 'string') throw Errors.SSE_FIELD('event', `must be a string, got ${typeof event}`);
  if (/[\r\n]/.test(event)) throw Errors.SSE_FIELD('event', 'must not contain CR or LF');
  return event;
}

function checkComment(comment: unknown): string {
  if (typeof comment === 'string') return comment;
  if (typeof comment === 'number' || typeof comment === 'boolean') return String(comment);
  throw Errors.SSE_FIELD('comment', `must be a string, got ${comment === null ? 'null' : typeof comment}`);
}

export function checkRetry(retry: unknown): number {
  if (typeof retry !== 'number' || !Number.isSafeInteger(retry) || retry < 0) {
    throw Errors.SSE_FIELD('retry', `must be a non-negative integer number of milliseconds, got ${printable(retry)}`);
  }
  return retry;
}

/**
 * Encodes one event as the exact text to write. Throws SseFieldError, naming the
 * field, before anything is produced, so an invalid event is never half-written.
 */
export function encodeEvent(ev: SSEMessageEvent): string {
  if (ev === null || typeof ev !== 'object') throw Errors.SSE_FIELD('event', `an SSE message must be an object, got ${ev === null ? 'null' : typeof ev}`);
  let out = '';
  if (ev.comment !== undefined) out += lines(':', checkComment(ev.comment));
  const name = ev.event ?? ev.type;
  if (name !== undefined) out += `event: ${checkEvent(name)}\n`;
  if (ev.id !== undefined) out += `id: ${checkId(ev.id)}\n`;
  if (ev.retry !== undefined) out += `retry: ${checkRetry(ev.retry)}\n`;
  if (ev.data !== undefined) {
    out += lines('data:', dataText(ev.data));
  }
  return `${out}\n`;
}

/** A comment block, every line prefixed with `:`. Clients ignore it; heartbeats use it. */
export function encodeComment(text = ''): string {
  return `${lines(':', text)}\n`;
}
