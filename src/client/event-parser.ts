/**
 * The SSE stream parser, as the WHATWG "event stream interpretation" reads bytes:
 * UTF-8 with one leading BOM dropped (TextDecoder does both, and keeps a
 * character split across chunks whole), lines ended by CRLF, LF or a lone CR
 * (a CR ending one chunk and an LF starting the next are one line end),
 * `data` lines joined with LF, an `id` holding NUL ignored, `retry` read only
 * when it is all ASCII digits, any other field ignored. Nothing here knows
 * about HTTP: the transports feed it bytes.
 */

import { SseClientError } from './client-error.js';

/**
 * Called at each blank line: `id` is the last event id buffer, which carries
 * over between blocks (a block without an `id` field keeps the one before);
 * `data` is undefined when the block had no `data` field, and then no event
 * is dispatched, though the id still counts, as browsers count it.
 */
export type BlockHandler = (id: string, type: string, data: string | undefined) => void;

/** The default bound on one event, in characters: 16 Mi, far above any real event. */
export const MAX_EVENT_LENGTH = 16 * 1024 * 1024;

/** Returns a function to feed each chunk of the body to, in order. */
/**
 * `maxLength` bounds what one event may hold, in characters (its data and the
 * line being read): a server that never ends a line or an event would
 * otherwise grow the buffer without end. Past it, the feed throws an
 * SseClientError (code `network`).
 */
export function createEventParser(
  lastEventId: string,
  onBlock: BlockHandler,
  onRetry: (ms: number) => void,
  maxLength = MAX_EVENT_LENGTH,
): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder();
  let pending = '';
  let data = '';
  let type = '';
  let id = lastEventId;
  // The chunk before ended in CR: an LF opening this one belongs to it.
  let afterCR = false;

  const line = (text: string) => {
    if (text === '') {
      // The data buffer holds each line plus LF; the last LF goes.
      onBlock(id, type || 'message', data ? data.slice(0, -1) : undefined);
      data = type = '';
      return;
    }
    const colon = text.indexOf(':');
    if (colon === 0) return; // a comment
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') data += `${value}\n`;
    else if (field === 'event') type = value;
    else if (field === 'id') {
      if (!value.includes('\0')) id = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) onRetry(+value);
  };

  return (chunk) => {
    let text = decoder.decode(chunk, { stream: true });
    if (!text) return; // only part of a character so far
    if (afterCR && text[0] === '\n') text = text.slice(1);
    pending += text;
    afterCR = pending.endsWith('\r');
    const ends = /\r\n|\r|\n/g;
    let start = 0;
    for (let end: RegExpExecArray | null; (end = ends.exec(pending)); start = ends.lastIndex) line(pending.slice(start, end.index));
    pending = pending.slice(start);
    if (pending.length + data.length > maxLength) throw new SseClientError(`an event longer than ${maxLength} characters`, 'network');
  };
}
