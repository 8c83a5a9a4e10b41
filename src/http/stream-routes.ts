import type { Sender } from './route-pipeline.js';

/** The handler a route calls, as the builder reads it from a controller. */
export interface RouteHandlerRef {
  /** The controller's prototype and the handler's key, where its decorators keep their metadata. */
  proto: object;
  key: string | symbol;
  /** `Controller.handler`, for messages. */
  owner: string;
  method: string;
  /** The paths it is registered at (global prefix and URI version included), before any alias. */
  paths: readonly string[];
}

/**
 * Routes that answer with a stream the framework keeps open (SSE). The HTTP
 * layer builds every route the same way and asks this, supplied by the layer
 * above it, for the few whose answer is a stream, so it never depends on them.
 */
export interface StreamRoutes {
  /** The sender of a handler that streams, or undefined for an ordinary route. Throws when the handler's declaration is wrong. */
  senderFor(handler: RouteHandlerRef): Sender | undefined;
}
