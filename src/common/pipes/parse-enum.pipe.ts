import { Injectable, Optional } from '../injectable.decorator.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../http-error-by-code.js';
import { Errors } from '../../errors.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

export interface ParseEnumPipeOptions extends PipeErrorOptions {
  /** Let `null` and `undefined` through unchanged instead of failing. */
  optional?: boolean;
}

/**
 * Passes a value that is one of the enum's values, as NestJS's ParseEnumPipe;
 * anything else fails with `Validation failed (enum string is expected)`.
 */
@Injectable()
export class ParseEnumPipe<T = any> implements PipeTransform<T, Promise<T>> {
  protected exceptionFactory: (error: string) => any;

  constructor(
    protected readonly enumType: T,
    @Optional() protected readonly options?: ParseEnumPipeOptions,
  ) {
    if (!enumType) throw Errors.INVALID_PIPE_OPTION('ParseEnumPipe', 'give the enum to check against: new ParseEnumPipe(MyEnum)');
    this.exceptionFactory = pipeExceptionFactory(options);
  }

  async transform(value: T, _metadata?: ArgumentMetadata): Promise<T> {
    if ((value === undefined || value === null) && this.options?.optional) return value;
    if (!this.isEnum(value)) throw this.exceptionFactory('Validation failed (enum string is expected)');
    return value;
  }

  protected isEnum(value: T): boolean {
    const values = Object.keys(this.enumType as object).map((key) => (this.enumType as Record<string, unknown>)[key]);
    return values.includes(value);
  }
}
