import { validateHeaderName, validateHeaderValue } from 'node:http';
import { isAbsolute } from 'node:path';
import type { ReadStream } from 'node:fs';
import send from 'send';
import { HttpException, statusText } from '../common/exceptions.js';
import type { Response } from '../common/interfaces.js';
import { Errors } from '../errors.js';
import { sendError } from './exception-handler.js';
import { printable } from '../common/describe.js';

/** `res.sendFile` options: those of the `send` package, as Express passes them on. */
export interface SendFileOptions {
  /** The directory a relative `path` is taken in; `..` can then not leave it (403). */
  root?: string;
  /** `Cache-Control: max-age`, in ms or as a string such as `'1d'`. Default 0. */
  maxAge?: number | string;
  /** Headers to set when the file is sent. */
  headers?: Record<string, string | number | readonly string[]>;
  /** Files and folders whose name starts with a dot: `'ignore'` (404, the default), `'deny'` (403) or `'allow'`. */
  dotfiles?: 'allow' | 'deny' | 'ignore';
  acceptRanges?: boolean;
  cacheControl?: boolean;
  etag?: boolean;
  immutable?: boolean;
  lastModified?: boolean;
}

/**
 * Called once the file is sent, or with the reason it was not: an error with
 * a `status` (404 missing, 403 outside the root or a denied dotfile), or
 * `code` 'ECONNABORTED' when the client went away first.
 */
export type SendFileCallback = (error?: Error) => void;

/**
 * Streams a file as Express's `res.sendFile` does, through `send` (ranges,
 * conditional GET, Last-Modified). With no callback, a failure becomes the
 * framework's error response (a 404 says no more than "Not Found"); a client
 * that went away is not a failure. The file's descriptor is closed when the
 * response closes, however it ends.
 */
export function streamFile(res: Response, path: string, options: SendFileOptions = {}, callback?: SendFileCallback): void {
  if (typeof path !== 'string' || path === '') throw Errors.INVALID_ARGUMENT('res.sendFile(path)', 'path must be a non-empty string', printable(path));
  if (!options.root && !isAbsolute(path)) {
    throw Errors.INVALID_ARGUMENT('res.sendFile(path)', 'path must be absolute, or relative with options.root', JSON.stringify(path));
  }
  // Checked now, where a throw reaches the handler, not later inside send's events.
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    validateHeaderName(name);
    for (const one of ([] as unknown[]).concat(value)) validateHeaderValue(name, one as string);
  }
  // send decodes the path as a URL path would be: encode it first, so a '%' in a file name stays a '%'.
  const file = send(res.req as never, encodeURI(path), options);
  transfer(res, file, options, callback ?? ((error) => answerFailure(res, error)));
}

function transfer(res: Response, file: send.SendStream, options: SendFileOptions, callback: SendFileCallback): void {
  let done = false;
  let stream: ReadStream | undefined;
  const finish = (error?: Error) => {
    if (done) return;
    done = true;
    res.off('close', onClose);
    try {
      callback(error);
    } catch (thrown) {
      // The callback runs from an event, where a throw would end the process.
      sendError(res, thrown);
    }
  };
  function onClose() {
    // The descriptor closes now, whatever send's own clean-up does.
    stream?.destroy();
    // A HEAD or a 304 ends the response without an 'end' from the file.
    setImmediate(() => finish(res.writableFinished ? undefined : withCode(new Error('Request aborted'), 'ECONNABORTED')));
  }
  file.on('directory', () => finish(withCode(new Error('EISDIR, read'), 'EISDIR')));
  file.on('error', (error: Error) => finish(error));
  file.on('stream', (opened: ReadStream) => {
    stream = opened;
  });
  file.on('end', () => finish());
  if (options.headers) {
    const headers = options.headers;
    file.on('headers', () => {
      try {
        for (const name of Object.keys(headers)) res.setHeader(name, headers[name] as string | number | string[]);
      } catch (error) {
        // Not expected, the headers having been checked; but a throw here would end the process.
        res.destroy();
        finish(error as Error);
      }
    });
  }
  res.once('close', onClose);
  file.pipe(res as never);
}

/** The answer when the handler gave no callback: the error response, unless the client is gone. */
function answerFailure(res: Response, error: Error | undefined): void {
  if (error === undefined) return;
  const { code, syscall, status } = error as NodeJS.ErrnoException & { status?: unknown };
  if (code === 'ECONNABORTED' || syscall === 'write') return;
  if (code === 'EISDIR') {
    sendError(res, new HttpException(statusText(404), 404, { cause: error }));
    return;
  }
  // send's 4xx errors carry the file system's message, with the full path: say only the status.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    sendError(res, new HttpException(statusText(status), status, { cause: error }));
    return;
  }
  sendError(res, error);
}

/**
 * Express's own errors for the callback, not streamnest's (docs/ERRORS.md): apps
 * test `err.code === 'ECONNABORTED'` or `'EISDIR'`, as Express documents.
 */
function withCode(error: Error, code: string): Error {
  return Object.assign(error, { code });
}
