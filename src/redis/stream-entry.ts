import type { HubEvent } from '../sse/hub/transport.js';

/** A stream entry as ioredis returns it: its id and its fields, name and value in turn. */
export type StreamEntry = [id: string, fields: string[]];

/** The event an entry holds: `c` its channel, `e` its name ('' for none), `d` its data. */
export function toEvent(id: string, fields: string[]): HubEvent {
  const event: HubEvent = { id, channel: '', data: '' };
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1] ?? '';
    if (fields[i] === 'c') event.channel = value;
    else if (fields[i] === 'd') event.data = value;
    else if (fields[i] === 'e' && value !== '') event.event = value;
  }
  return event;
}
