import { compareStreamIds } from './stream-id.js';

/**
 * Event ids of a sharded transport. A Redis stream id is ordered within its
 * stream only, and a client sends back only the last id it saw, so the id must
 * say where the client stands in every shard it reads:
 *
 *   `<shard>:<stream id>[,<shard>:<stream id>...]`, e.g. `3:1700000000000-5,0:1700000000000-2`
 *
 * The first entry is the event itself (its shard and stream id); the others are
 * the positions, when it was sent, of the other shards read for that channel's
 * subscribers: every event of theirs up to there had been sent before it. A
 * client on one channel gets one entry; one on channels in several shards gets
 * one per shard, and resumes each shard exactly from its own entry.
 */
export interface ShardedId {
  /** The shard of the event (for a resume position: of its first entry). */
  shard: number;
  /** Shard → stream id, the event's own entry included. */
  positions: Map<number, string>;
}

const ENTRY = /^(\d{1,6}):(\d{1,20}-\d{1,20})$/;
/** Parsed ids kept for compare(): a fan-out compares one event id with many floors in a row. */
const cache = new Map<string, ShardedId | null>();
const CACHE_LIMIT = 4096;

export function formatShardedId(shard: number, id: string, others: Iterable<readonly [number, string]>): string {
  let text = `${shard}:${id}`;
  for (const [other, position] of others) if (other !== shard) text += `,${other}:${position}`;
  return text;
}

/** The id, or undefined when it is not one of ours for `shards` shards (hostile or stale input is only ever "unknown"). */
export function parseShardedId(text: string, shards: number): ShardedId | undefined {
  const key = `${shards}/${text}`;
  const known = cache.get(key);
  if (known !== undefined) return known ?? undefined;
  const parsed = text.length <= shards * 48 ? parse(text, shards) : undefined;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, parsed ?? null);
  return parsed;
}

function parse(text: string, shards: number): ShardedId | undefined {
  const positions = new Map<number, string>();
  let first: number | undefined;
  for (const entry of text.split(',')) {
    const match = ENTRY.exec(entry);
    if (!match) return undefined;
    const shard = Number(match[1]);
    if (shard >= shards || positions.has(shard)) return undefined;
    first ??= shard;
    positions.set(shard, match[2]!);
  }
  return first === undefined ? undefined : { shard: first, positions };
}

/**
 * Whether event `a` comes after position `b` in a's own shard: positive when
 * it does, or when `b` says nothing of that shard (so it is news to whoever
 * holds `b`). This is what the hub's catch-up floor needs; ids of different
 * shards have no order of their own.
 */
export function compareShardedIds(a: string, b: string, shards: number): number {
  const event = parseShardedId(a, shards);
  const floor = parseShardedId(b, shards);
  if (!event) return 1;
  const position = floor?.positions.get(event.shard);
  if (position === undefined) return 1;
  return compareStreamIds(event.positions.get(event.shard)!, position);
}

/**
 * What is left of a catch-up floor once an event past it has been sent: that
 * event's shard drops out (everything later in that shard is newer still);
 * undefined once no shard is left.
 */
export function floorAfter(floor: string, sent: string, shards: number): string | undefined {
  const held = parseShardedId(floor, shards);
  const event = parseShardedId(sent, shards);
  if (!held || !event) return undefined;
  const rest = [...held.positions].filter(([shard]) => shard !== event.shard);
  if (rest.length === 0) return undefined;
  return formatShardedId(rest[0]![0], rest[0]![1], rest);
}
