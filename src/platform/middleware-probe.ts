import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Middleware, Request, Response } from '../common/interfaces.js';

/** How long one probe waits for a middleware to answer or call next(). */
const PROBE_TIMEOUT_MS = 250;

/** The SSE response headers, as streamnest sends them (output/open-response.ts). */
const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
  Connection: 'keep-alive',
  'Transfer-Encoding': 'chunked',
};

/**
 * A request and response made in memory, over a socket that never connects:
 * the doctor runs one middleware on them at start-up to see what it does to
 * an SSE request, without any traffic. Only middleware known to be pure
 * (CORS, compressors) is probed, so no user code with side effects runs.
 */
function exchange(method: string, url: string, headers: Record<string, string>): { req: IncomingMessage; res: ServerResponse; socket: Socket } {
  const socket = new Socket();
  const req = new IncomingMessage(socket);
  req.method = method;
  req.url = url;
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = headers;
  const res = new ServerResponse(req);
  return { req, res, socket };
}

/** Runs `fn` until it answers (ends the response), calls next(), or the probe times out. */
async function run(fn: Middleware, req: IncomingMessage, res: ServerResponse): Promise<'next' | 'answered' | 'silent'> {
  let nextCalled = false;
  try {
    await fn(req as Request, res as unknown as Response, () => {
      nextCalled = true;
    });
  } catch {
    return 'silent';
  }
  const deadline = Date.now() + PROBE_TIMEOUT_MS;
  while (!nextCalled && !res.writableEnded && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return nextCalled ? 'next' : res.writableEnded ? 'answered' : 'silent';
}

function headerOf(res: ServerResponse, name: string): string | undefined {
  const value = res.getHeader(name);
  if (value !== undefined) return Array.isArray(value) ? value.join(', ') : String(value);
  // Set inside writeHead by a hook, the header may be only in the serialized head.
  const head = (res as unknown as { _header?: string | null })._header ?? '';
  return new RegExp(`\\r\\n${name}:\\s*([^\\r]*)`, 'i').exec(head)?.[1];
}

/**
 * What Content-Encoding the SSE response of `url` would be declared with,
 * once `fn` has run: the probe asks for it as a browser does, then writes
 * the SSE headers as streamnest does. Undefined when it declares none.
 */
export async function probeCompression(fn: Middleware, url: string): Promise<string | undefined> {
  const { req, res, socket } = exchange('GET', url, { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' });
  try {
    if ((await run(fn, req, res)) !== 'next' || res.headersSent) return undefined;
    res.writeHead(200, SSE_HEADERS);
    return headerOf(res, 'content-encoding');
  } catch {
    return undefined;
  } finally {
    socket.destroy();
  }
}

/**
 * What a CORS middleware answers to a preflight for `url` that asks to send
 * Last-Event-ID from another origin: the Access-Control-Allow-Headers it
 * gives, and whether that allows it. Undefined when it does not answer
 * preflights (CORS off for this path).
 */
export async function probePreflight(fn: Middleware, url: string): Promise<{ allowed: boolean; allowHeaders: string } | undefined> {
  const { req, res, socket } = exchange('OPTIONS', url, {
    origin: 'https://sse-doctor.invalid',
    'access-control-request-method': 'GET',
    'access-control-request-headers': 'last-event-id',
  });
  try {
    const outcome = await run(fn, req, res);
    const allowHeaders = headerOf(res, 'access-control-allow-headers');
    if (outcome === 'silent' || (outcome === 'next' && allowHeaders === undefined)) return undefined;
    const names = (allowHeaders ?? '').split(',').map((name) => name.trim().toLowerCase());
    // `*` is a wildcard only without credentials; with them it is the literal name "*".
    const wildcard = names.includes('*') && headerOf(res, 'access-control-allow-credentials') !== 'true';
    return { allowed: wildcard || names.includes('last-event-id'), allowHeaders: allowHeaders ?? '(none)' };
  } catch {
    return undefined;
  } finally {
    socket.destroy();
  }
}
