import { Injectable, Optional } from '../injectable.decorator.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../http-error-by-code.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

export type UuidVersion = '3' | '4' | '5' | '7';

export interface ParseUUIDPipeOptions extends PipeErrorOptions {
  /** Accept only this UUID version; by default any version. */
  version?: UuidVersion;
  /** Let `null` and `undefined` through unchanged instead of failing. */
  optional?: boolean;
}

const HEX8 = '[0-9A-F]{8}';
const UUID_PATTERNS: Record<UuidVersion | 'all', RegExp> = {
  3: new RegExp(`^${HEX8}-[0-9A-F]{4}-3[0-9A-F]{3}-[0-9A-F]{4}-[0-9A-F]{12}$`, 'i'),
  4: new RegExp(`^${HEX8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`, 'i'),
  5: new RegExp(`^${HEX8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`, 'i'),
  7: new RegExp(`^${HEX8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`, 'i'),
  all: new RegExp(`^${HEX8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`, 'i'),
};

/**
 * Passes a UUID string through, as NestJS's ParseUUIDPipe; anything else fails with
 * `Validation failed (uuid is expected)` (`uuid v 4 is expected` with a version),
 * or `The value passed as UUID is not a string` for a value that is not a string.
 */
@Injectable()
export class ParseUUIDPipe implements PipeTransform<string, Promise<string>> {
  protected exceptionFactory: (error: string) => any;
  private readonly version: UuidVersion | undefined;

  constructor(@Optional() protected readonly options?: ParseUUIDPipeOptions) {
    this.version = options?.version;
    this.exceptionFactory = pipeExceptionFactory(options);
  }

  async transform(value: string, _metadata?: ArgumentMetadata): Promise<string> {
    if ((value === undefined || value === null) && this.options?.optional) return value;
    if (!this.isUUID(value, this.version)) {
      throw this.exceptionFactory(`Validation failed (uuid${this.version ? ` v ${this.version}` : ''} is expected)`);
    }
    return value;
  }

  protected isUUID(value: unknown, version: UuidVersion | 'all' = 'all'): boolean {
    if (typeof value !== 'string') throw this.exceptionFactory('The value passed as UUID is not a string');
    return UUID_PATTERNS[version]?.test(value) ?? false;
  }
}
