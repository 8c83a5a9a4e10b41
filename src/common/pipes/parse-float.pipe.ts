import { Injectable, Optional } from '../injectable.decorator.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../http-error-by-code.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

export interface ParseFloatPipeOptions extends PipeErrorOptions {
  /** Let `null` and `undefined` through unchanged instead of failing. */
  optional?: boolean;
}

/**
 * Turns a numeric string (or a number) into a number, as NestJS's ParseFloatPipe;
 * anything else fails with `Validation failed (numeric string is expected)`.
 */
@Injectable()
export class ParseFloatPipe implements PipeTransform<string, Promise<number>> {
  protected exceptionFactory: (error: string) => any;

  constructor(@Optional() protected readonly options?: ParseFloatPipeOptions) {
    this.exceptionFactory = pipeExceptionFactory(options);
  }

  async transform(value: string, _metadata?: ArgumentMetadata): Promise<number> {
    if ((value === undefined || value === null) && this.options?.optional) return value;
    if (!this.isNumeric(value)) throw this.exceptionFactory('Validation failed (numeric string is expected)');
    return parseFloat(value);
  }

  /** Starts like a number and is a finite number as a whole (so `'1e3'` passes, `'1x'` and `''` do not). */
  protected isNumeric(value: unknown): boolean {
    return (typeof value === 'string' || typeof value === 'number') && !Number.isNaN(parseFloat(String(value))) && Number.isFinite(Number(value));
  }
}
