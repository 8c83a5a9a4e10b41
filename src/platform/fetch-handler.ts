import type { Request as NodeRequest, Response as NodeResponse } from '../common/interfaces.js';
import { type WebClient, WebRequest } from '../http/web/web-request.js';
import { type ServerQuirks, WebResponse } from '../http/web/web-response.js';

/**
 * The web-standard engine: a web `Request` in, a web `Response` out, through
 * the same entry point (canonical URL, middleware, router, compiled route)
 * as Node's server. `app.fetch()` is this; `Deno.serve` and `Bun.serve` call it.
 */
export class FetchHandler {
  /** Responses not finished yet, which a forced shutdown cuts. */
  private readonly open = new Set<WebResponse>();

  constructor(
    private readonly handle: (req: NodeRequest, res: NodeResponse) => void,
    /** How the server in front differs (Bun.serve's): see ServerQuirks. */
    private readonly quirks: ServerQuirks = {},
  ) {}

  /** The web response, or its promise when the head is not decided in this turn (Deno.serve and Bun.serve take either). */
  fetch(request: Request, client?: WebClient): Response | Promise<Response> {
    const req = new WebRequest(request, client);
    const res = new WebResponse(req, this.quirks);
    try {
      this.handle(req as unknown as NodeRequest, res as unknown as NodeResponse);
    } catch {
      // The entry point answers its own errors; this is the last guard, never reached by a working app.
      if (!res.headersSent) res.writeHead(500).end();
    }
    // Most answers are whole by now (a JSON GET runs synchronously): nothing to watch. The rest are tracked until they close.
    if (!res.writableEnded && !res.destroyed) this.track(request, res, client);
    return res.result;
  }

  /** Forgets a response that closed; one function for all of them. */
  private readonly forget = (res: WebResponse): void => {
    this.open.delete(res);
  };

  /**
   * A response still open (an event stream, a slow handler): a forced
   * shutdown may cut it, and a client that leaves closes it, so the app hears
   * `close` as on Node. Once the head is decided, a streamed body hears the
   * client leave itself (the runtime cancels it); before, only the request's
   * signal says so, and it is heeded until then: Deno also aborts it after an
   * answer that went out whole. An event stream, whose head is decided in its
   * first turn, thus costs no signal and no listener. Deno's `completed` is
   * heeded throughout.
   */
  private track(request: Request, res: WebResponse, client: WebClient | undefined): void {
    this.open.add(res);
    res.onClosed = this.forget;
    // Deno's `completed` rejects when the client leaves; handled here, so it never counts as unhandled. A response
    // whole in its first turn never reads it nor adds a reaction to it.
    client?.closed?.catch(() => res.destroy());
    if (res.isDecided) return;
    const signal = request.signal;
    const left = () => res.destroy();
    if (signal.aborted) {
      left();
      return;
    }
    signal.addEventListener('abort', left, { once: true });
    const unwatch = () => signal.removeEventListener('abort', left);
    res.once('close', unwatch);
    res.response.then(unwatch);
  }

  /** Responses still open (event streams, slow answers). */
  get size(): number {
    return this.open.size;
  }

  /** Lets the responses still open finish within `timeoutMs`, then cuts the rest. */
  async close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    this.destroyAll();
  }

  /** Cuts every response still open: the end of a shutdown whose grace period ran out. */
  destroyAll(): void {
    for (const res of this.open) res.destroy();
  }
}
