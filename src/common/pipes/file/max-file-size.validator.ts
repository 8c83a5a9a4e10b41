import { FileValidator, type FileValidatorContext } from './file-validator.js';
import type { IFile } from './uploaded-file.js';

export interface MaxFileSizeValidatorOptions {
  /** Files must be strictly smaller than this many bytes. */
  maxSize: number;
  /** The failure message, or a function of `maxSize` that builds it. */
  message?: string | ((maxSize: number) => string);
  /** The failure message, or a function of the file and the options; wins over `message`. */
  errorMessage?: string | ((context: FileValidatorContext<Omit<MaxFileSizeValidatorOptions, 'errorMessage' | 'message'>>) => string);
}

/**
 * Fails a file of `maxSize` bytes or more, as NestJS's MaxFileSizeValidator:
 * `Validation failed (current file size is 2048, expected size is less than 1024)`.
 * A missing file passes (ParseFilePipe's `fileIsRequired` decides about that).
 */
export class MaxFileSizeValidator extends FileValidator<MaxFileSizeValidatorOptions, IFile> {
  buildErrorMessage(file?: IFile): string {
    const { errorMessage, message, ...config } = this.validationOptions;
    if (errorMessage) return typeof errorMessage === 'function' ? errorMessage({ file, config }) : errorMessage;
    if (message) return typeof message === 'function' ? message(this.validationOptions.maxSize) : message;
    if (file?.size) return `Validation failed (current file size is ${file.size}, expected size is less than ${this.validationOptions.maxSize})`;
    return `Validation failed (expected size is less than ${this.validationOptions.maxSize})`;
  }

  isValid(file?: IFile): boolean {
    if (!this.validationOptions || !file) return true;
    return 'size' in file && file.size < this.validationOptions.maxSize;
  }
}
