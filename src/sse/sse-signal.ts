import { createParamDecorator } from '../common/param.decorators.js';
import type { ExecutionContext } from '../common/interfaces.js';

/** Where a request keeps the AbortController behind @SseSignal(), as NestJS names it. */
export const SSE_ABORT_CONTROLLER = Symbol('SSE_ABORT_CONTROLLER');

/**
 * An AbortSignal for the life of the response, as NestJS's @SseSignal(): it
 * aborts when the response ends, whether the client went away or the stream
 * finished. Made on first use, so routes without it pay nothing. Resources a
 * handler sets up before it returns its stream can listen for it, so they are
 * released even if the client left before the stream started.
 */
export const SseSignal = createParamDecorator((_data: unknown, ctx: ExecutionContext): AbortSignal => {
  const http = ctx.switchToHttp();
  const request = http.getRequest<Record<symbol, AbortController | undefined>>();
  let controller = request[SSE_ABORT_CONTROLLER];
  if (!controller) {
    const made = new AbortController();
    request[SSE_ABORT_CONTROLLER] = controller = made;
    const response = http.getResponse<{ once(event: 'close', listener: () => void): unknown; destroyed?: boolean; writableFinished?: boolean }>();
    if (response.destroyed || response.writableFinished) made.abort();
    else response.once('close', () => made.abort());
  }
  return controller.signal;
});
