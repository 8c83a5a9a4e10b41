import { SSE_ATTACH, type SseAttachable } from '../attachable.js';
import type { SseSession } from '../session.js';
import type { SharedEvent } from '../shared-event.js';
import type { HubEvent } from './transport.js';

export type HubFilter = (event: HubEvent) => boolean;

/**
 * One client's interest in some channels. The hub fills it: first any replay,
 * then live events, each as the shared bytes the hub encoded once.
 * Until replay is done, live events wait in `pending`, so none is lost or sent twice.
 */
export class HubSubscription implements SseAttachable {
  session: SseSession | undefined;
  /** Live events that arrived during replay; null once live. */
  pending: Array<{ event: HubEvent; bytes: SharedEvent }> | null = [];
  pendingBytes = 0;
  /**
   * While catching up after a reconnect: the newest id the client already has
   * (its Last-Event-ID, then the last replayed event). Events at or below it
   * are skipped, so replay and live never overlap; cleared at the first newer event.
   */
  floor: string | undefined;

  constructor(
    readonly channels: readonly string[],
    readonly lastEventId: string | undefined,
    readonly filter: HubFilter | undefined,
    private readonly hub: { attach(subscription: HubSubscription): void },
  ) {}

  [SSE_ATTACH](session: SseSession): void {
    this.session = session;
    this.hub.attach(this);
  }
}
