import { BadRequestException } from '../exceptions.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

/** Turns a string of decimal digits into a number; anything else is a 400 that names the parameter. */
export class ParseIntPipe implements PipeTransform<unknown, number> {
  constructor(private readonly options: { optional?: boolean } = {}) {}

  transform(value: unknown, metadata: ArgumentMetadata): number {
    if ((value === undefined || value === null) && this.options.optional) return value as unknown as number;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value)) {
      const parsed = Number(value);
      if (Number.isSafeInteger(parsed)) return parsed;
    }
    const name = metadata.data ? `"${metadata.data}"` : `the ${metadata.type}`;
    throw new BadRequestException(`Validation failed: ${name} must be an integer string, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
}
