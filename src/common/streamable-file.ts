import { Readable } from 'node:stream';
import { types } from 'node:util';
import { Logger } from './logger.js';
import { printable } from './describe.js';
import { Errors } from '../errors.js';

export interface StreamableFileOptions {
  /** The `Content-Type` header (default `application/octet-stream`). */
  type?: string;
  /** The `Content-Disposition` header, such as `attachment; filename="report.pdf"`. */
  disposition?: string | string[];
  /** The `Content-Length` header; set for you from a Buffer or Uint8Array. */
  length?: number;
}

/** What a StreamableFile's error handler is given: enough of the response to answer, as in NestJS. */
export interface StreamableHandlerResponse {
  /** The response was destroyed (the client went away): nothing can be sent. */
  readonly destroyed: boolean;
  /** The headers went out, so only ending the response is left. */
  readonly headersSent: boolean;
  statusCode: number;
  /** Sends `message` as the whole body (plain text) and ends the response. */
  send(message: string): void;
  /** Ends the response. Once part of the file went out, this cuts the connection so the client sees the file is incomplete. */
  end(): void;
}

const logger = new Logger('StreamableFile');

/**
 * A file (or any bytes) a handler returns to have it streamed, as NestJS's
 * StreamableFile: `return new StreamableFile(createReadStream(path), { type: 'application/pdf', disposition: 'attachment; filename="a.pdf"' })`.
 * streamnest sends it with `Content-Type` (default `application/octet-stream`),
 * `Content-Disposition` and `Content-Length` from the options, unless the
 * handler set those headers itself.
 */
export class StreamableFile {
  private readonly stream: Readable;

  /** A read error before anything was sent answers 400 with the error's message, as in NestJS; later, the response is cut. */
  protected handleError: (error: Error, response: StreamableHandlerResponse) => void = (error, response) => {
    if (response.destroyed) return;
    if (response.headersSent) {
      response.end();
      return;
    }
    response.statusCode = 400;
    response.send(error.message);
  };

  protected logError: (error: Error) => void = (error) => {
    logger.error(error.message, error.stack);
  };

  constructor(buffer: Uint8Array, options?: StreamableFileOptions);
  constructor(readable: Readable, options?: StreamableFileOptions);
  constructor(
    bufferOrReadStream: Uint8Array | Readable,
    readonly options: StreamableFileOptions = {},
  ) {
    if (types.isUint8Array(bufferOrReadStream)) {
      const bytes = bufferOrReadStream;
      this.stream = new Readable({
        read() {
          this.push(bytes);
          this.push(null);
        },
      });
      this.options.length ??= bytes.length;
    } else if (bufferOrReadStream && typeof (bufferOrReadStream as Readable).pipe === 'function') {
      this.stream = bufferOrReadStream;
    } else {
      throw Errors.NOT_A_STREAM(printable(bufferOrReadStream));
    }
  }

  getStream(): Readable {
    return this.stream;
  }

  /** The headers the file is sent with; `type` defaults to `application/octet-stream`. */
  getHeaders(): { type: string; disposition: string | string[] | undefined; length: number | undefined } {
    const { type = 'application/octet-stream', disposition = undefined, length = undefined } = this.options;
    return { type, disposition, length };
  }

  get errorHandler(): (error: Error, response: StreamableHandlerResponse) => void {
    return this.handleError;
  }

  /** Replaces what happens when reading the file fails. */
  setErrorHandler(handler: (error: Error, response: StreamableHandlerResponse) => void): this {
    this.handleError = handler;
    return this;
  }

  get errorLogger(): (error: Error) => void {
    return this.logError;
  }

  /** Replaces how a read error is logged. */
  setErrorLogger(handler: (error: Error) => void): this {
    this.logError = handler;
    return this;
  }
}
