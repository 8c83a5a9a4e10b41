import { FileTypeValidator, type FileTypeValidatorOptions } from './file-type.validator.js';
import type { FileValidator } from './file-validator.js';
import { MaxFileSizeValidator, type MaxFileSizeValidatorOptions } from './max-file-size.validator.js';
import { ParseFilePipe, type ParseFileOptions } from './parse-file.pipe.js';

/**
 * Builds a ParseFilePipe step by step, as NestJS's ParseFilePipeBuilder:
 * `new ParseFilePipeBuilder().addFileTypeValidator({ fileType: 'image/png' }).addMaxSizeValidator({ maxSize: 1000 }).build()`.
 */
export class ParseFilePipeBuilder {
  private validators: FileValidator[] = [];

  addMaxSizeValidator(options: MaxFileSizeValidatorOptions): this {
    return this.addValidator(new MaxFileSizeValidator(options));
  }

  addFileTypeValidator(options: FileTypeValidatorOptions): this {
    return this.addValidator(new FileTypeValidator(options));
  }

  addValidator(validator: FileValidator): this {
    this.validators.push(validator);
    return this;
  }

  /** The pipe, with the validators added so far; the builder starts empty again. */
  build(additionalOptions?: Omit<ParseFileOptions, 'validators'>): ParseFilePipe {
    const pipe = new ParseFilePipe({ ...additionalOptions, validators: this.validators });
    this.validators = [];
    return pipe;
  }
}
