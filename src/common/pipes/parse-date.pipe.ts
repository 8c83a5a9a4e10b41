import { Injectable, Optional } from '../injectable.decorator.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../http-error-by-code.js';
import type { PipeTransform } from '../interfaces.js';

export interface ParseDatePipeOptions extends PipeErrorOptions {
  /** Let `null` and `undefined` through (or give `default()` instead) rather than failing. */
  optional?: boolean;
  /** The date to use when the value is missing and `optional` is set. */
  default?: () => Date;
}

/**
 * Turns a date string or a timestamp into a Date, as NestJS 11's ParseDatePipe:
 * a missing value fails with `Validation failed (no Date provided)`, one that
 * is not a date with `Validation failed (invalid date format)`.
 */
@Injectable()
export class ParseDatePipe implements PipeTransform<string | number | undefined | null> {
  protected exceptionFactory: (error: string) => any;

  constructor(@Optional() private readonly options: ParseDatePipeOptions = {}) {
    this.options = options ?? {};
    this.exceptionFactory = pipeExceptionFactory(this.options);
  }

  transform(value: string | number | undefined | null): Date | null | undefined {
    const missing = value === undefined || value === null;
    if (missing && this.options.optional) return this.options.default ? this.options.default() : value;
    if (missing || value === '') throw this.exceptionFactory('Validation failed (no Date provided)');
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw this.exceptionFactory('Validation failed (invalid date format)');
    return date;
  }
}
