import type { EncodedEvent } from '../encoded-event.js';

/**
 * The bytes of recently replayed events, by id, bounded in bytes. Clients
 * reconnecting together (after a deploy, a network blip) resume from about the
 * same id and replay the same events: each is encoded once for all of them,
 * as live events are. The oldest entries go first.
 */
export class ReplayEncodings {
  private readonly entries = new Map<string, EncodedEvent>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(id: string, encode: () => EncodedEvent): EncodedEvent {
    const cached = this.entries.get(id);
    if (cached) return cached;
    const encoded = encode();
    const size = encoded.bytes.length;
    if (size > this.maxBytes) return encoded;
    this.entries.set(id, encoded);
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes.length;
    }
    return encoded;
  }
}
