import type { AddressInfo } from 'node:net';
import { withDeadline } from '../common/deadline.js';
import { Logger } from '../common/logger.js';
import type { WebClient } from '../http/web/web-request.js';
import type { FetchHandler } from './fetch-handler.js';
import type { TlsOptions } from './http-server.js';

// The little of Deno's and Bun's APIs used here (neither runtime's types are a dependency).

/** The second argument of `Deno.serve`'s handler, as far as the engine reads it. */
interface DenoServeInfo {
  remoteAddr: { hostname: string; port: number };
  completed?: Promise<void>;
}

interface DenoServer {
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}
interface DenoNamespace {
  serve(
    options: {
      port: number;
      hostname?: string;
      signal?: AbortSignal;
      reusePort?: boolean;
      cert?: string;
      key?: string;
      onListen?: (address: { hostname: string; port: number }) => void;
      onError?: (error: unknown) => Response;
    },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): DenoServer;
}
interface BunServer {
  readonly port: number;
  readonly hostname: string;
  stop(closeActiveConnections?: boolean): Promise<void>;
  requestIP(request: Request): { address: string; port: number } | null;
  timeout(request: Request, seconds: number): void;
}
interface BunNamespace {
  serve(options: {
    port: number;
    hostname?: string;
    reusePort?: boolean;
    idleTimeout?: number;
    tls?: { cert: string; key: string };
    fetch(request: Request, server: BunServer): Response | Promise<Response>;
    error?(error: Error): Response;
  }): BunServer;
}

const logger = new Logger('NativeServer');

/** Longest idle time Bun allows (its setting is in seconds, up to 255). */
const BUN_MAX_IDLE_SECONDS = 255;

/** How long a Deno server that was aborted gets to finish before close() stops waiting for it. */
const DENO_ABORT_WAIT_MS = 1000;

/**
 * The runtime's own web-standard server, `Deno.serve` or `Bun.serve`, in front
 * of the fetch engine. Connections are the runtime's: the limits of Node's
 * server (header timeouts, connections per address) are its to apply; body
 * limits and timeouts, and everything after the request line, are the app's.
 */
export class NativeServer {
  private stopServer: ((timeoutMs: number) => Promise<void>) | undefined;
  /** The runtime's server object (`Deno.HttpServer`, Bun's `Server`), once listening. */
  handle: unknown;
  private bound: AddressInfo | undefined;

  constructor(
    private readonly runtime: 'deno' | 'bun',
    private readonly engine: FetchHandler,
    private readonly tls: TlsOptions | undefined,
    private readonly keepAliveTimeoutMs: number,
    /** Binds a port other processes bind too (the workers of a cluster); the kernel spreads connections. */
    private readonly reusePort = false,
  ) {}

  get listening(): boolean {
    return this.stopServer !== undefined;
  }

  address(): AddressInfo | null {
    return this.bound ?? null;
  }

  listen(port: number, hostname: string | undefined): Promise<AddressInfo> {
    return this.runtime === 'deno' ? this.serveDeno(port, hostname) : this.serveBun(port, hostname);
  }

  /** No connection here is ever over a Node-side limit: the runtime admits them. */
  isRefused(): boolean {
    return false;
  }

  refuse(): void {}

  /**
   * Stops accepting; requests in flight may finish within `timeoutMs` (event
   * streams were already told to end), then whatever remains is cut.
   */
  async close(timeoutMs: number): Promise<void> {
    const stop = this.stopServer;
    this.stopServer = undefined;
    await stop?.(timeoutMs);
  }

  private serveDeno(port: number, hostname: string | undefined): Promise<AddressInfo> {
    const Deno = (globalThis as unknown as { Deno: DenoNamespace }).Deno;
    const secure = this.tls !== undefined;
    return new Promise((resolve, reject) => {
      const abort = new AbortController();
      try {
        const server = Deno.serve(
          {
            port,
            hostname: hostname ?? '0.0.0.0',
            signal: abort.signal,
            ...(this.reusePort ? { reusePort: true } : {}),
            ...(this.tls ? { cert: String(this.tls.cert), key: String(this.tls.key) } : {}),
            onListen: (address) => {
              this.bound = addressInfo(address.hostname, address.port);
              resolve(this.bound);
            },
            onError: (error) => internalError(error),
          },
          // `completed` rather than `request.signal`, which Deno also aborts after a response that went out whole.
          (request, info) => this.engine.fetch(request, new DenoClient(info, secure)),
        );
        this.handle = server;
        this.stopServer = async (timeoutMs) => {
          await withDeadline(server.shutdown(), timeoutMs).catch(() => undefined);
          this.engine.destroyAll();
          // Aborting a server that shut down already throws in Deno: only when the shutdown did not finish.
          if (await settledWithin(server.finished, 0)) return;
          abort.abort();
          // Deno cannot cut a connection (its abort is graceful too): one whose client stopped reading stays until that client leaves. Never wait for it forever.
          if (!(await settledWithin(server.finished, DENO_ABORT_WAIT_MS)))
            logger.warn('Deno.serve still holds connections whose clients stopped reading; they close when those clients leave');
        };
      } catch (error) {
        reject(error);
      }
    });
  }

  private async serveBun(port: number, hostname: string | undefined): Promise<AddressInfo> {
    const Bun = (globalThis as unknown as { Bun: BunNamespace }).Bun;
    const secure = this.tls !== undefined;
    const engine = this.engine;
    const server = Bun.serve({
      port,
      hostname: hostname ?? '0.0.0.0',
      ...(this.reusePort ? { reusePort: true } : {}),
      // Keep-alive connections close after this long idle; a streamed response is exempt (below).
      idleTimeout: Math.min(BUN_MAX_IDLE_SECONDS, Math.max(1, Math.ceil(this.keepAliveTimeoutMs / 1000))),
      ...(this.tls ? { tls: { cert: String(this.tls.cert), key: String(this.tls.key) } } : {}),
      fetch: (request, bun) => engine.fetch(request, new BunClient(bun, request, secure)),
      error: (error) => internalError(error),
    });
    this.handle = server;
    this.stopServer = async (timeoutMs) => {
      await withDeadline(server.stop(false), timeoutMs).catch(() => undefined);
      this.engine.destroyAll();
      await server.stop(true);
    };
    this.bound = addressInfo(server.hostname, server.port);
    return this.bound;
  }
}

/** Whether `promise` settles within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return withDeadline(
    promise.then(
      () => true,
      () => true,
    ),
    ms,
  ).catch(() => false);
}

/** What `Deno.serve` says of a request's client, read only when asked (most requests never ask). */
class DenoClient implements WebClient {
  constructor(
    private readonly info: DenoServeInfo,
    readonly secure: boolean,
  ) {}

  get address(): string {
    return this.info.remoteAddr.hostname;
  }

  get port(): number {
    return this.info.remoteAddr.port;
  }

  get closed(): Promise<void> | undefined {
    return this.info.completed;
  }
}

/** The client of one Bun request: its address computed only if asked for. */
class BunClient implements WebClient {
  private ip: { address: string; port: number } | null | undefined;

  constructor(
    private readonly server: BunServer,
    private readonly request: Request,
    readonly secure: boolean,
  ) {}

  get address(): string | undefined {
    this.ip ??= this.server.requestIP(this.request);
    return this.ip?.address;
  }

  get port(): number | undefined {
    this.ip ??= this.server.requestIP(this.request);
    return this.ip?.port;
  }

  /** An event stream may be quiet for longer than any idle limit (heartbeats may be off): never cut it for that. */
  streaming(): void {
    this.server.timeout(this.request, 0);
  }
}

function addressInfo(address: string, port: number): AddressInfo {
  return { address, port, family: address.includes(':') ? 'IPv6' : 'IPv4' };
}

/** A failure of the runtime's server itself (the engine answers the app's own errors): logged, answered 500. */
function internalError(error: unknown): Response {
  // A response the app cut on purpose: the client saw its stream break, nothing to report.
  if ((error as { code?: string } | null)?.code !== 'SN_ERR_RESPONSE_DESTROYED')
    logger.error(`the runtime's server failed to answer: ${error instanceof Error ? error.message : String(error)}`);
  return new Response(JSON.stringify({ statusCode: 500, message: 'Internal server error' }), {
    status: 500,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}
