import { FileValidator, type FileValidatorContext } from './file-validator.js';
import { sniffFileType } from './file-type-sniffer.js';
import { readFileHead } from './file-head.js';
import type { IFile } from './uploaded-file.js';

export interface FileTypeValidatorOptions {
  /** The allowed type: a MIME type (`'image/png'`) or a pattern (`/^image\/(png|jpeg)$/`, `'.(png|jpeg|jpg)'`). */
  fileType: string | RegExp;
  /** The failure message, or a function of the file and the options that builds it. */
  errorMessage?: string | ((context: FileValidatorContext<Omit<FileTypeValidatorOptions, 'errorMessage'>>) => string);
  /** Check only the MIME type the client declared, never the bytes. */
  skipMagicNumbersValidation?: boolean;
  /** When the bytes match no known type, check the declared MIME type instead of failing. */
  fallbackToMimetype?: boolean;
}

/**
 * Checks a file's type, as NestJS's FileTypeValidator: by the file's own bytes
 * (its magic number), so a `malware.exe` renamed `cat.png` and sent as
 * `image/png` fails.
 *
 * - The type is read from the bytes by a small built-in sniffer (png, jpeg,
 *   gif, webp, bmp, tiff, avif, heic, pdf, zip and Office/OpenDocument files,
 *   gzip, mp4, mov, mp3, wav): the `buffer` with memory storage, else the
 *   first 64 KiB of the stored file at `path` (disk storage). Bytes it does
 *   not recognise fail, unless `fallbackToMimetype` is set, as in NestJS.
 * - A file with neither a `buffer` nor a readable `path` has no bytes to
 *   check, and fails unless `fallbackToMimetype` is set (NestJS fails one
 *   without a `buffer`, since it never reads `path`).
 * - `skipMagicNumbersValidation` checks the declared `mimetype` only.
 */
export class FileTypeValidator extends FileValidator<FileTypeValidatorOptions, IFile> {
  buildErrorMessage(file?: IFile): string {
    const { errorMessage, ...config } = this.validationOptions;
    if (errorMessage) return typeof errorMessage === 'function' ? errorMessage({ file, config }) : errorMessage;
    if (file?.mimetype) {
      const message = `Validation failed (current file type is ${file.mimetype}, expected type is ${this.validationOptions.fileType})`;
      return this.validationOptions.fallbackToMimetype ? `${message} - magic number detection failed, used mimetype fallback` : message;
    }
    return `Validation failed (expected type is ${this.validationOptions.fileType})`;
  }

  isValid(file?: IFile): boolean | Promise<boolean> {
    if (!this.validationOptions) return true;
    if (!file || typeof file !== 'object' || !('mimetype' in file)) return false;
    if (this.validationOptions.skipMagicNumbersValidation) return this.matches(file.mimetype);
    if (file.buffer) return this.matchesBytes(file.buffer, file.mimetype);
    if (typeof file.path !== 'string') return this.matchesBytes(undefined, file.mimetype);
    return readFileHead(file.path).then((head) => this.matchesBytes(head, file.mimetype));
  }

  /** The sniffed type must match; bytes it cannot tell (or none) pass only through `fallbackToMimetype`. */
  private matchesBytes(bytes: Uint8Array | undefined, declared: unknown): boolean {
    const detected = bytes === undefined ? undefined : sniffFileType(bytes);
    if (detected) return this.matches(detected);
    return this.validationOptions.fallbackToMimetype === true && this.matches(declared);
  }

  /** A string is a pattern (as `String#match` reads it), but an exact MIME type always matches itself (`image/svg+xml`). */
  private matches(mimetype: unknown): boolean {
    if (typeof mimetype !== 'string') return false;
    const { fileType } = this.validationOptions;
    if (typeof fileType === 'string' && mimetype === fileType) return true;
    try {
      return mimetype.match(fileType) !== null;
    } catch {
      return false;
    }
  }
}
