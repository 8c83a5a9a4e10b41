import { FileValidator, type FileValidatorContext } from './file-validator.js';
import { sniffFileType } from './file-type-sniffer.js';
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
 * - With a `buffer` (memory storage), the type is read from the bytes by a
 *   small built-in sniffer (png, jpeg, gif, webp, bmp, tiff, avif, heic, pdf,
 *   zip and Office/OpenDocument files, gzip, mp4, mov, mp3, wav). Bytes it does
 *   not recognise fail, unless `fallbackToMimetype` is set, as in NestJS.
 * - Without a `buffer` (disk storage: only `path`), there are no bytes to read,
 *   so the declared `mimetype` is checked. Here streamnest differs from NestJS,
 *   which fails such a file unless `fallbackToMimetype` is set.
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

  isValid(file?: IFile): boolean {
    if (!this.validationOptions) return true;
    if (!file || typeof file !== 'object' || !('mimetype' in file)) return false;
    if (this.validationOptions.skipMagicNumbersValidation || !file.buffer) return this.matches(file.mimetype);
    const detected = sniffFileType(file.buffer);
    if (detected) return this.matches(detected);
    return this.validationOptions.fallbackToMimetype === true && this.matches(file.mimetype);
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
