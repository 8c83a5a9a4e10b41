import type { Request as NodeRequest, Response as NodeResponse } from '../common/interfaces.js';
import { type WebClient, WebRequest } from '../http/web/web-request.js';
import { WebResponse } from '../http/web/web-response.js';

/**
 * The web-standard engine: a web `Request` in, a web `Response` out, through
 * the same entry point (canonical URL, middleware, router, compiled route)
 * as Node's server. `app.fetch()` is this; `Deno.serve` and `Bun.serve` call it.
 */
export class FetchHandler {
  /** Responses not finished yet, which a forced shutdown cuts. */
  private readonly open = new Set<WebResponse>();

  constructor(private readonly handle: (req: NodeRequest, res: NodeResponse) => void) {}

  fetch(request: Request, client?: WebClient): Promise<Response> {
    const req = new WebRequest(request, client);
    const res = new WebResponse(req);
    this.open.add(res);
    // A client that leaves before the answer (a slow handler, a stream not opened yet): the app hears `close`, as on Node.
    const left = () => res.destroy();
    if (client?.closed) {
      client.closed.catch(left);
      res.once('close', () => this.open.delete(res));
    } else {
      request.signal.addEventListener('abort', left, { once: true });
      res.once('close', () => {
        this.open.delete(res);
        request.signal.removeEventListener('abort', left);
      });
    }
    try {
      this.handle(req as unknown as NodeRequest, res as unknown as NodeResponse);
    } catch {
      // The entry point answers its own errors; this is the last guard, never reached by a working app.
      if (!res.headersSent) res.writeHead(500).end();
    }
    return res.response;
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
