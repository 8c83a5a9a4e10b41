import { Readable } from 'node:stream';
import { Buffer } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import type { Response } from '../common/interfaces.js';
import { StreamableFile, type StreamableHandlerResponse } from '../common/streamable-file.js';
import { isNodeReadable, isWebReadable } from '../common/stream-detection.js';
import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import { WHOLE_BODY, type WholeBody } from './whole-body.js';

const logger = new Logger('StreamableFile');

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BINARY_TYPE = 'application/octet-stream';

/**
 * Sends a handler's result: JSON for objects, text for strings, a Buffer as is,
 * a StreamableFile with its headers, a Node or web stream piped with
 * backpressure, and nothing for undefined.
 * Returns a Promise only for streams, which finish later.
 */
export function respond(res: Response, result: unknown, status: number, textType = TEXT_TYPE): void | Promise<void> {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = status;
  if (result === undefined || result === null) {
    res.setHeader('Content-Length', 0);
    res.end();
  } else if (isPlainData(result)) {
    // The common answer, a plain object or array, is told apart at once from the kinds below (each a class check).
    sendBody(res, JSON.stringify(result), JSON_TYPE);
  } else if (typeof result === 'string') {
    sendBody(res, result, textType);
  } else if (Buffer.isBuffer(result) || result instanceof Uint8Array) {
    sendBody(res, result, BINARY_TYPE);
  } else if (result instanceof StreamableFile) {
    return sendStreamableFile(res, result);
  } else if (isNodeReadable(result)) {
    return pipeStream(res, result);
  } else if (isWebReadable(result)) {
    return pipeStream(res, Readable.fromWeb(result as import('node:stream/web').ReadableStream));
  } else {
    sendBody(res, JSON.stringify(result), JSON_TYPE);
  }
}

/** An object literal, an array or a prototype-free object: JSON, and never a stream, file or buffer. */
function isPlainData(value: unknown): boolean {
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

function sendBody(res: Response, body: string | Uint8Array, type: string): void {
  // The web engine takes the whole answer in one call: its head is a web Response's headers, not bytes to build (see WholeBody).
  if (WHOLE_BODY in res) {
    (res as unknown as WholeBody)[WHOLE_BODY](body, type);
    return;
  }
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

/**
 * A StreamableFile: its Content-Type, Content-Disposition and Content-Length,
 * unless the handler set them, then its stream piped with backpressure. A read
 * error goes to the file's error handler (by default: 400 with the message
 * before anything was sent, a cut connection after) and its error logger.
 */
function sendStreamableFile(res: Response, file: StreamableFile): Promise<void> {
  const { type, disposition, length } = file.getHeaders();
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', type);
  if (disposition !== undefined && !res.hasHeader('Content-Disposition')) res.setHeader('Content-Disposition', disposition);
  if (length !== undefined && !res.hasHeader('Content-Length')) res.setHeader('Content-Length', length);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const source = file.getStream();
  return new Promise<void>((resolve) => {
    let settled = false;
    const done = () => {
      if (settled) return false;
      settled = true;
      res.off('close', onClose);
      resolve();
      return true;
    };
    const onClose = () => {
      // The client went away (or the response finished): stop reading the file.
      if (!source.destroyed && !source.readableEnded) source.destroy();
      done();
    };
    // Stays attached: a source that errors again later must not become an uncaught 'error'.
    const onError = (error: Error) => {
      if (settled) return;
      source.unpipe(res as NodeJS.WritableStream);
      try {
        file.errorLogger(error);
        file.errorHandler(error, handlerResponse(res));
      } catch (handlerError) {
        // User code, inside an event listener: a throw here would take the process down.
        logger.error('a StreamableFile error handler threw', describeThrown(handlerError).stack);
      } finally {
        if (!res.writableEnded && !res.destroyed) res.destroy();
        done();
      }
    };
    res.once('close', onClose);
    source.on('error', onError);
    source.pipe(res as NodeJS.WritableStream);
  });
}

/** The view of the response a StreamableFile's error handler gets: `send` answers in full, `end` cuts a partial file. */
function handlerResponse(res: Response): StreamableHandlerResponse {
  return {
    get destroyed() {
      return res.destroyed;
    },
    get headersSent() {
      return res.headersSent;
    },
    get statusCode() {
      return res.statusCode;
    },
    set statusCode(code: number) {
      res.statusCode = code;
    },
    send(message: string) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      for (const name of ['Content-Disposition', 'Content-Length', 'Content-Type']) res.removeHeader(name);
      sendBody(res, String(message), TEXT_TYPE);
    },
    end() {
      if (res.headersSent) res.destroy();
      else res.end();
    },
  };
}
