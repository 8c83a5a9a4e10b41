import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { Response } from '../../common/interfaces.js';
import { ChunkedSocketOutput, Http2StreamOutput, PlainResponseOutput } from './response-outputs.js';
import type { SseOutput } from './sse-output.js';

/** The SSE response headers. `no-transform` also keeps compression middleware away. */
const SSE_HEADERS = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
});
/** HTTP/1.0: `Connection` says the stream lasts; nothing frames it, the connection's end delimits it. */
const SSE_HEADERS_HTTP10 = Object.freeze({ ...SSE_HEADERS, Connection: 'keep-alive' });
/** HTTP/1.1: we declare the chunked framing ourselves, so we know it is what the socket carries. */
const SSE_HEADERS_CHUNKED = Object.freeze({ ...SSE_HEADERS_HTTP10, 'Transfer-Encoding': 'chunked' });

/**
 * Sends the SSE headers on a response, flushed so the client's `open` fires
 * before the first event, and picks the output the session will write to.
 * `onClose` runs when the connection closes, for any reason.
 */
export function openResponse(response: Response, onClose: () => void): SseOutput {
  if ((response as Partial<Http2ServerResponse>).stream !== undefined) {
    const res = response as Http2ServerResponse;
    sendHeaders(res, SSE_HEADERS);
    res.on('close', onClose);
    return new Http2StreamOutput(res);
  }
  const res = response as ServerResponse;
  const chunked = isHttp11(res.req) && res.socket !== null;
  sendHeaders(res, chunked ? SSE_HEADERS_CHUNKED : SSE_HEADERS_HTTP10);
  res.on('close', onClose);
  return chunked ? new ChunkedSocketOutput(res, res.socket!) : new PlainResponseOutput(res);
}

function sendHeaders(res: ServerResponse | Http2ServerResponse, headers: Readonly<Record<string, string>>): void {
  if (res.getHeaderNames().length === 0 && !('stream' in res)) {
    // The common case, no middleware headers: one writeHead with a shared object, so the
    // response keeps no per-connection header table for its whole (long) life.
    (res as ServerResponse).writeHead(200, headers);
  } else {
    res.statusCode = 200;
    res.removeHeader('Content-Length');
    res.removeHeader('Content-Encoding');
    res.removeHeader('Transfer-Encoding');
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  }
  // Http2ServerResponse has it too, though @types/node leaves it out.
  (res as ServerResponse).flushHeaders();
}

function isHttp11(req: IncomingMessage | undefined): boolean {
  return req !== undefined && (req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1));
}
