import type { HubEvent, Replay } from '../sse/hub/transport.js';
import { compareStreamIds } from './stream-id.js';
import { toEvent, type StreamEntry } from './stream-entry.js';

/** Where one shard's replay starts: the client's position in it. */
export interface ShardStart {
  shard: number;
  key: string;
  /** The stream id the client has seen up to; `0-0`: none yet, the shard was empty when it was first read. */
  from: string;
}

export interface ShardReads {
  /** XRANGE key start + COUNT count. */
  range(key: string, start: string, count: number): Promise<StreamEntry[]>;
  /** Whether the stream never lost an entry to trimming (so a position of `0-0` is still exact). */
  untrimmed(key: string): Promise<boolean>;
  /** The id the client gets for an event: its shard and stream id, and where it stands in the other shards. */
  idOf(shard: number, id: string, others: ReadonlyArray<readonly [number, string]>): string;
}

/** One shard's read: events of the wanted channels fetched and not yet handed out. */
class ShardCursor {
  readonly buffer: HubEvent[] = [];
  /** The last entry read (of any channel), and the last event handed out. */
  scanned: string;
  position: string;
  exhausted = false;
  first = true;

  constructor(readonly start: ShardStart) {
    this.scanned = this.position = start.from;
  }

  /** Everything of the wanted channels up to here has been handed out. */
  get reached(): string {
    return this.buffer.length === 0 ? this.scanned : this.position;
  }
}

/**
 * Up to `limit` events of `channels` after the client's positions, merged from
 * every shard in stream id order. Each event's id carries the positions of all
 * the shards, so the next page (or the client's next resume) starts exactly
 * where this one stopped in each. `complete: false` as soon as one shard's
 * history no longer reaches the client's position there.
 */
export async function replayShards(
  starts: readonly ShardStart[],
  channels: readonly string[],
  limit: number,
  pageCount: number,
  io: ShardReads,
): Promise<Replay> {
  const wanted = new Set(channels);
  const cursors = starts.map((start) => new ShardCursor(start));
  const events: HubEvent[] = [];
  while (events.length < limit) {
    const filled = await Promise.all(cursors.map((cursor) => fill(cursor, wanted, limit + 1, pageCount, io)));
    if (filled.includes(false)) return { events: [], complete: false };
    const next = oldest(cursors);
    if (!next) break;
    const event = next.buffer.shift()!;
    next.position = event.id;
    const others = cursors.filter((c) => c !== next).map((c) => [c.start.shard, c.reached] as const);
    events.push({ ...event, id: io.idOf(next.start.shard, event.id, others) });
  }
  return { events, complete: true };
}

/** Reads on until the cursor has an event or its stream has no more. False when its start is no longer retained. */
async function fill(cursor: ShardCursor, wanted: Set<string>, firstCount: number, pageCount: number, io: ShardReads): Promise<boolean> {
  while (cursor.buffer.length === 0 && !cursor.exhausted) {
    const { key, from } = cursor.start;
    // At least 2: a read starts at (and skips) the last entry read.
    const count = Math.max(2, cursor.first ? firstCount : pageCount);
    let page: StreamEntry[];
    if (cursor.first && from === '0-0') {
      if (!(await io.untrimmed(key))) return false;
      page = await io.range(key, '-', count);
    } else {
      page = await io.range(key, cursor.scanned, count);
      // The first entry must be the start itself, or the history no longer reaches it (or never had it).
      if (cursor.first && page[0]?.[0] !== from) return false;
    }
    cursor.first = false;
    for (const [id, fields] of page) {
      if (id === cursor.scanned) continue;
      cursor.scanned = id;
      const event = toEvent(id, fields);
      if (wanted.has(event.channel)) cursor.buffer.push(event);
    }
    if (page.length < count) cursor.exhausted = true;
  }
  return true;
}

/** The cursor whose next event has the lowest stream id (ties: the lower shard), or undefined when all are done. */
function oldest(cursors: readonly ShardCursor[]): ShardCursor | undefined {
  let best: ShardCursor | undefined;
  for (const cursor of cursors) {
    const head = cursor.buffer[0];
    if (!head) continue;
    if (!best || compareStreamIds(head.id, best.buffer[0]!.id) < 0) best = cursor;
  }
  return best;
}
