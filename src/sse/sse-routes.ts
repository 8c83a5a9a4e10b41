import { META } from '../common/metadata-keys.js';
import { Errors } from '../errors.js';
import type { Sender } from '../http/route-pipeline.js';
import type { RouteHandlerRef, StreamRoutes } from '../http/stream-routes.js';
import { checkContract, type EventContract } from './contract/define-events.js';
import { EventCheck, validates } from './contract/event-check.js';
import { resolveSseOptions, type SseLimits } from './options.js';
import type { SseRuntime } from './runtime.js';
import { createSseSender } from './sse-sender.js';
import type { SseRouteMetadata } from './sse.decorator.js';

/** An `@Sse` route as documents (AsyncAPI) and the start-up checks (platform/sse-doctor.ts) see it. */
export interface SseRouteInfo {
  /** `Controller.handler`. */
  owner: string;
  /** The paths it answers at, in the route's own syntax (`/jobs/:id`). */
  paths: readonly string[];
  limits: SseLimits;
  contract?: EventContract;
  description?: string;
}

/** The `@Sse` routes of one app: read once per route at start-up, each with its limits resolved and its contract checked. */
export class SseRoutes implements StreamRoutes {
  private readonly found: SseRouteInfo[] = [];

  constructor(
    private readonly runtime: SseRuntime,
    private readonly options: { numberIds: boolean },
  ) {}

  senderFor({ proto, key, owner, method, paths }: RouteHandlerRef): Sender | undefined {
    const sse = Reflect.getMetadata(META.sse, proto, key) as SseRouteMetadata | undefined;
    if (!sse) return undefined;
    if (method !== 'GET') throw Errors.SSE_NOT_GET(owner, method);
    const where = `@Sse() on ${owner}`;
    const { events, validate, description, ...limitOptions } = sse.options;
    const limits = resolveSseOptions(this.runtime.defaults, limitOptions, where, 'route');
    const contract = events === undefined ? undefined : checkContract(events, `${where}, option "events"`);
    if (contract === undefined && validate !== undefined)
      throw Errors.INVALID_SSE_OPTION(where, 'validate', 'needs a contract to check against: give events too');
    if (validate !== undefined && typeof validate !== 'boolean') throw Errors.INVALID_SSE_OPTION(where, 'validate', 'must be a boolean');
    if (description !== undefined && typeof description !== 'string') throw Errors.INVALID_SSE_OPTION(where, 'description', 'must be a string');
    this.found.push({ owner, paths: [...new Set(paths)], limits, contract, description });
    // Chosen once, here: a route without a checking contract sends exactly as before.
    const check =
      contract !== undefined && validates(contract, validate, `${where}, option "validate"`)
        ? new EventCheck(contract, `${owner} (GET ${paths[0] ?? '/'})`)
        : undefined;
    // The route's label in metrics: its first path, a pattern such as /rooms/:id, so the label's values are bounded.
    return createSseSender(this.runtime, limits, owner, { ...this.options, check, route: paths[0] ?? owner });
  }

  /** Every `@Sse` route read so far, in the order the routes were built. */
  get routes(): readonly SseRouteInfo[] {
    return this.found;
  }
}
