import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from '../common/interfaces.js';
import { isNodeReadable, isWebReadable } from './stream-detection.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BINARY_TYPE = 'application/octet-stream';

/**
 * Sends a handler's result: JSON for objects, text for strings, a Buffer as is,
 * a Node or web stream piped with backpressure, and nothing for undefined.
 * Returns a Promise only for streams, which finish later.
 */
export function respond(res: Response, result: unknown, status: number, textType = TEXT_TYPE): void | Promise<void> {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = status;
  if (result === undefined || result === null) {
    res.setHeader('Content-Length', 0);
    res.end();
  } else if (typeof result === 'string') {
    sendBody(res, result, textType);
  } else if (Buffer.isBuffer(result) || result instanceof Uint8Array) {
    sendBody(res, result, BINARY_TYPE);
  } else if (isNodeReadable(result)) {
    return pipeStream(res, result);
  } else if (isWebReadable(result)) {
    return pipeStream(res, Readable.fromWeb(result as import('node:stream/web').ReadableStream));
  } else {
    sendBody(res, JSON.stringify(result), JSON_TYPE);
  }
}

function sendBody(res: Response, body: string | Uint8Array, type: string): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  // One writeHead instead of two setHeader calls: headers set earlier (middleware, @Header) are merged in, and a Content-Type already set wins.
  // nosniff: a browser must not run a JSON or text body as a script or page because of what it looks like.
  const headers = res.hasHeader('Content-Type')
    ? { 'Content-Length': length, 'X-Content-Type-Options': 'nosniff' }
    : { 'Content-Type': type, 'Content-Length': length, 'X-Content-Type-Options': 'nosniff' };
  (res as import('node:http').ServerResponse).writeHead(res.statusCode, headers);
  res.end(body);
}

/** Pipes with backpressure; if the client goes away, the source is destroyed, not left running. */
async function pipeStream(res: Response, source: Readable): Promise<void> {
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', BINARY_TYPE);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  try {
    await pipeline(source, res as NodeJS.WritableStream);
  } catch (error) {
    // A client that disconnects mid-stream is normal, not an error to report.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}
