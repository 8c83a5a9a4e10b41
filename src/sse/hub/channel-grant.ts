import { Errors } from '../../errors.js';
import { printable } from '../../common/describe.js';

/**
 * Which channels a client may read, as its authorization lists them
 * (Mercure-style: a token grants topics). Each entry is a channel name, or a
 * prefix ending in `*` (`user:42:*` grants `user:42:jobs` and `user:42:mail`);
 * a lone `*` grants every channel. Compiled once per subscription.
 */
export function compileGrant(allow: unknown): (channel: string) => boolean {
  if (!Array.isArray(allow) || allow.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw Errors.INVALID_ARGUMENT('SseHub.subscribe({ allow })', 'allow must be an array of channel names or prefixes ending in *', printable(allow));
  }
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of allow as string[]) {
    if (entry.endsWith('*')) prefixes.push(entry.slice(0, -1));
    else exact.add(entry);
  }
  return (channel) => exact.has(channel) || prefixes.some((prefix) => channel.startsWith(prefix));
}
