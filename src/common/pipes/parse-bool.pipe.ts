import { Injectable, Optional } from '../injectable.decorator.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../http-error-by-code.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

export interface ParseBoolPipeOptions extends PipeErrorOptions {
  /** Let `null` and `undefined` through unchanged instead of failing. */
  optional?: boolean;
}

/**
 * `'true'`/`true` → `true`, `'false'`/`false` → `false`, as NestJS's ParseBoolPipe;
 * anything else fails with `Validation failed (boolean string is expected)`.
 */
@Injectable()
export class ParseBoolPipe implements PipeTransform<string | boolean, Promise<boolean>> {
  protected exceptionFactory: (error: string) => any;

  constructor(@Optional() protected readonly options?: ParseBoolPipeOptions) {
    this.exceptionFactory = pipeExceptionFactory(options);
  }

  async transform(value: string | boolean, _metadata?: ArgumentMetadata): Promise<boolean> {
    if ((value === undefined || value === null) && this.options?.optional) return value as unknown as boolean;
    if (this.isTrue(value)) return true;
    if (this.isFalse(value)) return false;
    throw this.exceptionFactory('Validation failed (boolean string is expected)');
  }

  protected isTrue(value: string | boolean): boolean {
    return value === true || value === 'true';
  }
  protected isFalse(value: string | boolean): boolean {
    return value === false || value === 'false';
  }
}
