import { Injectable } from '../injectable.decorator.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

/**
 * Replaces `undefined`, `null` and `NaN` with a default, as NestJS's
 * DefaultValuePipe. Put it before a parsing pipe: `@Query('page', new DefaultValuePipe(1), ParseIntPipe)`.
 */
@Injectable()
export class DefaultValuePipe<T = any, R = any> implements PipeTransform<T, T | R> {
  constructor(protected readonly defaultValue: R) {}

  transform(value?: T, _metadata?: ArgumentMetadata): T | R {
    if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) return this.defaultValue;
    return value;
  }
}
