import { Injectable, Optional } from '../injectable.decorator.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../http-error-by-code.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

export interface ParseIntPipeOptions extends PipeErrorOptions {
  /** Let `null` and `undefined` through unchanged instead of failing. */
  optional?: boolean;
}

/**
 * Turns a string of decimal digits (or an integer number) into a number, as
 * NestJS's ParseIntPipe: anything else fails with
 * `Validation failed (numeric string is expected)` (400 unless `errorHttpStatusCode` or `exceptionFactory` says otherwise).
 */
@Injectable()
export class ParseIntPipe implements PipeTransform<string, Promise<number>> {
  protected exceptionFactory: (error: string) => any;

  constructor(@Optional() protected readonly options?: ParseIntPipeOptions) {
    this.exceptionFactory = pipeExceptionFactory(options);
  }

  async transform(value: string, _metadata?: ArgumentMetadata): Promise<number> {
    if ((value === undefined || value === null) && this.options?.optional) return value;
    if (!this.isNumeric(value)) throw this.exceptionFactory('Validation failed (numeric string is expected)');
    return parseInt(value, 10);
  }

  /** Digits with an optional minus sign, finite once read as a number. */
  protected isNumeric(value: unknown): boolean {
    return (typeof value === 'string' || typeof value === 'number') && /^-?\d+$/.test(String(value)) && Number.isFinite(Number(value));
  }
}
