/**
 * The native server of the runtime this file runs on: `Deno.serve` on Deno,
 * `Bun.serve` on Bun, each given a web `fetch(request)` handler. The bench's
 * bare and Hono servers on those runtimes listen through it; on Node it throws
 * (Node's peers use node:http or @hono/node-server).
 */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface WebServer {
  kind: 'Deno.serve' | 'Bun.serve';
  port: number;
}

export async function serveWeb(fetch: FetchHandler, port: number, hostname: string): Promise<WebServer> {
  const g = globalThis as any;
  if (g.Deno) {
    let resolveListen!: (addr: { port: number }) => void;
    const listened = new Promise<{ port: number }>((r) => {
      resolveListen = r;
    });
    g.Deno.serve({ port, hostname, onListen: (addr: { port: number }) => resolveListen(addr) }, fetch);
    return { kind: 'Deno.serve', port: (await listened).port };
  }
  if (g.Bun) {
    // Bun closes a connection idle for 10 s by default, an SSE stream between
    // events included; 0 turns that off, as a Bun SSE server has to.
    const server = g.Bun.serve({ port, hostname, fetch, idleTimeout: 0 });
    return { kind: 'Bun.serve', port: server.port };
  }
  throw new Error('serveWeb needs Deno or Bun (on Node the bench uses node:http)');
}
