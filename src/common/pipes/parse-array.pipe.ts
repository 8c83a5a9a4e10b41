import { Injectable, Optional } from '../injectable.decorator.js';
import { HttpException } from '../exceptions.js';
import { pipeExceptionFactory, type PipeErrorOptions } from '../http-error-by-code.js';
import { ValidationPipe, type ValidationPipeOptions } from './validation.pipe.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';
import type { Type } from '../types.js';

const PARSABLE_ARRAY_EXPECTED = 'Validation failed (parsable array expected)';

export interface ParseArrayOptions extends Omit<ValidationPipeOptions, 'transform' | 'errorHttpStatusCode' | 'exceptionFactory'>, PipeErrorOptions<any> {
  /** The type of each item: `Number`, `String` or `Boolean`, or a class validated with class-validator. */
  items?: Type<unknown>;
  /** What splits a string into items (default `,`). */
  separator?: string;
  /** Let `null` and `undefined` through unchanged instead of failing. */
  optional?: boolean;
  /** `false`: check every item and report them all, each message prefixed with its index (`[1] …`). */
  stopAtFirstError?: boolean;
}

/** NestJS 11's name for ParseArrayOptions. */
export type ParseArrayPipeOptions = ParseArrayOptions;

/**
 * Turns `'1,2,3'` (or an array) into an array, as NestJS's ParseArrayPipe, and
 * with `items` converts and checks each item: `Number` → `'[0] item must be a number'`,
 * `Boolean` → `'[0] item must be a boolean value'`, a class → validated by ValidationPipe
 * (which needs class-validator and class-transformer). Anything that is not an
 * array fails with `Validation failed (parsable array expected)`.
 */
@Injectable()
export class ParseArrayPipe implements PipeTransform {
  protected readonly validationPipe: ValidationPipe;
  protected exceptionFactory: (error: any) => any;

  constructor(@Optional() protected readonly options: ParseArrayOptions = {}) {
    this.options = options ?? {};
    this.validationPipe = new ValidationPipe({ ...this.options, transform: true });
    this.exceptionFactory = pipeExceptionFactory(this.options);
  }

  async transform(value: any, _metadata?: ArgumentMetadata): Promise<any> {
    if (!value && !this.options.optional) throw this.exceptionFactory(PARSABLE_ARRAY_EXPECTED);
    if ((value === undefined || value === null) && this.options.optional) return value;
    if (typeof value === 'string') value = value.trim().split(this.options.separator || ',');
    if (!Array.isArray(value)) throw this.exceptionFactory(PARSABLE_ARRAY_EXPECTED);
    if (!this.options.items) return value;
    return this.options.stopAtFirstError === false ? this.convertAll(value) : Promise.all(value.map((item, index) => this.convert(item, index)));
  }

  /** Every item converted; the failures, if any, thrown together, each prefixed with its index. */
  private async convertAll(values: unknown[]): Promise<unknown[]> {
    const errors: unknown[] = [];
    const results: unknown[] = [];
    for (const [index, item] of values.entries()) {
      try {
        results.push(await this.convert(item));
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        const message = (error.getResponse() as { message?: unknown }).message;
        if (Array.isArray(message)) errors.push(...message.map((m) => `[${index}] ${m}`));
        else errors.push(`[${index}] ${message}`);
        results.push(null);
      }
    }
    if (errors.length > 0) throw this.exceptionFactory(errors);
    return results;
  }

  /** One item: read as JSON where it parses (`'1'` → 1, `'true'` → true), then checked against `items`. */
  private convert(item: unknown, index?: number): unknown {
    if (typeof item === 'string') {
      try {
        item = JSON.parse(item);
      } catch {
        /* not JSON: keep the string */
      }
    }
    if (this.isExpectedTypePrimitive()) return this.validatePrimitive(item, index);
    return this.validationPipe.transform(item, { type: 'query', metatype: this.options.items });
  }

  protected isExpectedTypePrimitive(): boolean {
    return ([Boolean, Number, String] as unknown[]).includes(this.options.items);
  }

  protected validatePrimitive(value: any, index?: number): unknown {
    const at = index === undefined ? '' : `[${index}] `;
    if (this.options.items === Number && Number.isNaN(value !== null && value !== '' ? +value : NaN)) {
      throw this.exceptionFactory(`${at}item must be a number`);
    }
    if (this.options.items === String && typeof value !== 'string') return `${value}`;
    if (this.options.items === Boolean && typeof value !== 'boolean') throw this.exceptionFactory(`${at}item must be a boolean value`);
    return value;
  }
}
