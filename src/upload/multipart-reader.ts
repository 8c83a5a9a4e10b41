import Busboy from 'busboy';
import type { Readable } from 'node:stream';
import type { Request, Response } from '../common/interfaces.js';
import type { FileFilter, IncomingFile, MulterFile, StorageEngine } from './multer-options.js';
import type { UploadLimits } from './upload-limits.js';
import { UploadFailures } from './upload-failures.js';

/** What one upload route reads with: resolved once, when its interceptor is built. */
export interface UploadSettings {
  storage: StorageEngine;
  limits: UploadLimits;
  fileFilter?: FileFilter;
  preservePath: boolean;
  defParamCharset: string;
  /** Whether a file may come in this field, given how many came in it already; `false` is a 400. */
  accepts(fieldname: string, countSoFar: number): boolean;
}

/** The text fields (repeated names become arrays, as a urlencoded form) and the stored files, in order. */
export interface UploadResult {
  body: Record<string, string | string[]>;
  files: MulterFile[];
}

/** True when the request carries a body, as http/body-parser tells it. */
export function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data(\s*;|\s*$)/i.test(req.headers['content-type'] ?? '');
}

/**
 * Streams a multipart/form-data body through busboy into the storage engine.
 * It settles only once nothing is left behind: on any failure (a limit, a
 * malformed form, a filter's or storage's error, the client gone) it stops
 * reading, ends every file in progress, waits for the storage to close them,
 * removes every file already stored, and then rejects; the response (413,
 * 400) therefore goes out after the disk is clean. A failed request's
 * connection is closed after the answer rather than read to its end.
 */
export function readMultipart(req: Request, res: Response, settings: UploadSettings): Promise<UploadResult> {
  return new Promise((resolve, reject) => new MultipartRead(req, res, settings, resolve, reject).start());
}

class MultipartRead {
  private readonly body: Record<string, string | string[]> = Object.create(null);
  private readonly stored: MulterFile[] = [];
  /** The file streams handed to the storage and not yet reported on. */
  private readonly active = new Set<Readable>();
  private readonly perField = new Map<string, number>();
  private pending = 0;
  private parts = 0;
  private parsed = false;
  private failure: { error: unknown } | undefined;
  private settled = false;
  private busboy: Busboy.Busboy | undefined;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly settings: UploadSettings,
    private readonly resolve: (result: UploadResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    const { limits, preservePath, defParamCharset } = this.settings;
    try {
      // One more byte than allowed, so `limit` means "larger than", not "as large as" (busboy flags a value that reaches its limit).
      this.busboy = Busboy({
        headers: this.req.headers,
        preservePath,
        defParamCharset,
        limits: { fileSize: limits.fileSize + 1, files: limits.files, fields: limits.fields, fieldSize: limits.fieldSize + 1, headerPairs: limits.headerPairs },
      });
    } catch (error) {
      this.fail(UploadFailures.malformed((error as Error).message));
      return;
    }
    const busboy = this.busboy;
    busboy.on('file', (name, stream, info) => this.onFile(name, stream, info));
    busboy.on('field', (name, value, info) => this.onField(name, value, info.valueTruncated));
    busboy.on('filesLimit', () => this.fail(UploadFailures.tooManyFiles()));
    busboy.on('fieldsLimit', () => this.fail(UploadFailures.tooManyFields()));
    busboy.on('error', (error: Error) => this.fail(UploadFailures.malformed(error.message)));
    busboy.on('close', () => {
      this.parsed = true;
      this.settleIfDone();
    });
    this.req.on('close', this.onRequestClose);
    this.req.on('error', this.onRequestError);
    this.req.pipe(busboy);
  }

  private readonly onRequestClose = () => {
    if (!this.req.complete) this.fail(UploadFailures.aborted());
  };
  private readonly onRequestError = () => this.fail(UploadFailures.aborted());

  /** Counts a part against `limits.parts`, and a name against `limits.fieldNameSize`; false when the request failed. */
  private admit(name: string | undefined): name is string {
    if (this.failure) return false;
    const { limits } = this.settings;
    if (++this.parts > limits.parts) this.fail(UploadFailures.tooManyParts());
    else if (name === undefined || name === '') this.fail(UploadFailures.missingFieldName());
    else if (Buffer.byteLength(name) > limits.fieldNameSize) this.fail(UploadFailures.fieldNameTooLong());
    return this.failure === undefined;
  }

  private onField(name: string | undefined, value: string, truncated: boolean): void {
    if (!this.admit(name)) return;
    if (truncated) {
      this.fail(UploadFailures.fieldValueTooLong());
      return;
    }
    const seen = this.body[name];
    if (seen === undefined) this.body[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else this.body[name] = [seen, value];
  }

  private onFile(name: string | undefined, stream: Readable, info: Busboy.FileInfo): void {
    if (!this.admit(name)) {
      stream.resume();
      return;
    }
    const count = this.perField.get(name) ?? 0;
    if (!this.settings.accepts(name, count)) {
      stream.resume();
      this.fail(UploadFailures.unexpectedField(name));
      return;
    }
    this.perField.set(name, count + 1);
    const file = { fieldname: name, originalname: info.filename ?? '', encoding: info.encoding, mimetype: info.mimeType };
    this.active.add(stream);
    this.pending++;
    stream.on('limit', () => this.fail(UploadFailures.fileTooLarge()));
    const filter = this.settings.fileFilter ?? ((_req, _file, callback) => callback(null, true));
    let decided = false;
    const store = (error: Error | null, accept?: boolean) => {
      if (decided) return;
      decided = true;
      if (error || !accept || this.failure) {
        stream.resume();
        this.done(stream);
        if (error) this.fail(error);
        return;
      }
      this.settings.storage._handleFile(this.req, { ...file, stream } as IncomingFile, (storeError, stored) => {
        if (storeError) this.fail(storeError);
        else this.stored.push({ ...file, ...stored, size: stored?.size ?? 0 } as MulterFile);
        this.done(stream);
      });
    };
    try {
      filter(this.req, file, store);
    } catch (error) {
      store(error as Error);
    }
  }

  /** One file is over (stored, skipped or failed). */
  private done(stream: Readable): void {
    if (!this.active.delete(stream)) return;
    this.pending--;
    this.settleIfDone();
  }

  /** The first failure wins: stop reading, cut every file in progress; the storage reports each, then `settleIfDone` cleans up. */
  private fail(error: unknown): void {
    if (this.failure || this.settled) return;
    this.failure = { error };
    // Close the connection after the answer rather than read the rest of a body we will not use (HTTP/1.1).
    if (this.req.httpVersionMajor === 1 && !this.res.headersSent) this.res.setHeader('Connection', 'close');
    const busboy = this.busboy;
    if (busboy) this.req.unpipe(busboy);
    // On the next tick: busboy reports a limit from inside its own write, which must not be torn down under it.
    process.nextTick(() => {
      if (busboy) {
        busboy.on('error', () => undefined);
        busboy.destroy();
      }
      const reason = error instanceof Error ? error : UploadFailures.cancelled();
      for (const stream of this.active) stream.destroy(reason);
      this.parsed = true;
      this.settleIfDone();
    });
  }

  private settleIfDone(): void {
    if (this.settled || !this.parsed || this.pending > 0) return;
    this.settled = true;
    // The error listener stays: a request that errors later (its client gone) must not throw an unhandled 'error'.
    this.req.off('close', this.onRequestClose);
    if (!this.failure) {
      this.resolve({ body: this.body, files: this.stored });
      return;
    }
    const { error } = this.failure;
    void removeAll(this.req, this.settings.storage, this.stored).then(() => this.reject(error));
  }
}

/** Undoes every stored file; a storage that fails to remove one has the error swallowed, since the request has failed already. */
function removeAll(req: Request, storage: StorageEngine, files: MulterFile[]): Promise<void> {
  return Promise.all(
    files.map(
      (file) =>
        new Promise<void>((resolve) => {
          try {
            storage._removeFile(req, file, () => resolve());
          } catch {
            resolve();
          }
        }),
    ),
  ).then(() => undefined);
}
