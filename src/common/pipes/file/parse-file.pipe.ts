import { Injectable, Optional } from '../../injectable.decorator.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../../http-error-by-code.js';
import type { PipeTransform } from '../../interfaces.js';
import type { FileValidator } from './file-validator.js';

export interface ParseFileOptions extends PipeErrorOptions {
  /** The checks every file must pass, in order; the first failure is the answer. */
  validators?: FileValidator[];
  /** Fail with `File is required` when there is no file (default true). */
  fileIsRequired?: boolean;
}

/**
 * Validates uploaded files, as NestJS's ParseFilePipe: a single file, an array
 * of files, or the `{ field: File[] }` record of several fields (each file of
 * each field is checked). The value passes through unchanged.
 */
@Injectable()
export class ParseFilePipe implements PipeTransform<any, Promise<any>> {
  protected exceptionFactory: (error: string) => any;
  private readonly validators: FileValidator[];
  private readonly fileIsRequired: boolean;

  constructor(@Optional() options: ParseFileOptions = {}) {
    this.exceptionFactory = pipeExceptionFactory(options ?? {});
    this.validators = options?.validators ?? [];
    this.fileIsRequired = options?.fileIsRequired ?? true;
  }

  async transform(value: any): Promise<any> {
    const none = this.thereAreNoFilesIn(value);
    if (none && this.fileIsRequired) throw this.exceptionFactory('File is required');
    if (!none && this.validators.length > 0) await this.validateFilesOrFile(value);
    return value;
  }

  /** The validators used by this pipe. */
  getValidators(): FileValidator[] {
    return this.validators;
  }

  private async validateFilesOrFile(value: any): Promise<void> {
    if (Array.isArray(value)) await Promise.all(value.map((file) => this.validate(file)));
    else if (isFieldRecord(value))
      await Promise.all(
        Object.values(value)
          .flat()
          .map((file) => this.validate(file)),
      );
    else await this.validate(value);
  }

  private thereAreNoFilesIn(value: any): boolean {
    if (value === undefined) return true;
    if (Array.isArray(value)) return value.length === 0;
    return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
  }

  protected async validate(file: any): Promise<any> {
    for (const validator of this.validators) {
      if (!(await validator.isValid(file))) throw this.exceptionFactory(validator.buildErrorMessage(file));
    }
    return file;
  }
}

/** `{ avatar: [file], documents: [file, file] }`, as multer's `fields()` gives: every value an array. */
function isFieldRecord(value: unknown): value is Record<string, unknown[]> {
  if (typeof value !== 'object' || value === null || 'mimetype' in value || 'size' in value) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every(Array.isArray);
}
