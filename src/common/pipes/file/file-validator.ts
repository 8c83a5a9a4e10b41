import type { IFile } from './uploaded-file.js';

/** What a validator's `errorMessage` function is given: the file (when there is one) and the validator's other options. */
export interface FileValidatorContext<TConfig> {
  file?: IFile;
  config: TConfig;
}

/**
 * A check ParseFilePipe runs on each file, as NestJS's FileValidator: extend it,
 * implement `isValid` (sync or async) and `buildErrorMessage`.
 */
export abstract class FileValidator<TValidationOptions = Record<string, any>, TFile extends IFile = IFile> {
  constructor(protected readonly validationOptions: TValidationOptions) {}

  /** Whether the file passes, according to the options given to the constructor. */
  abstract isValid(file?: TFile | TFile[] | Record<string, TFile[]>): boolean | Promise<boolean>;

  /** The message of the failure when `isValid` said no. */
  abstract buildErrorMessage(file: any): string;
}
