import { BadRequestException } from '../exceptions.js';
import { Errors } from '../../errors.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';

export interface ValidationPipeOptions {
  /** Return the class instance built by class-transformer instead of the plain value. */
  transform?: boolean;
  /** Strip properties that have no decorator. */
  whitelist?: boolean;
  /** Reject properties that have no decorator (with whitelist). */
  forbidNonWhitelisted?: boolean;
  /** Skip properties that are null or undefined. */
  skipMissingProperties?: boolean;
}

type ValidatorLibs = { validate: Function; plainToInstance: Function; instanceToPlain: Function };
let libs: Promise<ValidatorLibs> | undefined;

/** Loads the optional peer dependencies once, on first use. */
function loadLibraries(): Promise<ValidatorLibs> {
  libs ??= Promise.all([import('class-validator' as string), import('class-transformer' as string)])
    .then(([validator, transformer]) => ({
      validate: validator.validate ?? validator.default?.validate,
      plainToInstance: transformer.plainToInstance ?? transformer.default?.plainToInstance,
      instanceToPlain: transformer.instanceToPlain ?? transformer.default?.instanceToPlain,
    }))
    .catch(() => {
      libs = undefined;
      throw Errors.OPTIONAL_DEPENDENCY('ValidationPipe', 'class-validator class-transformer');
    });
  return libs;
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Array, Object]);

/** Validates a parameter against its class's class-validator decorators; failures are a 400 listing each. */
export class ValidationPipe implements PipeTransform {
  constructor(private readonly options: ValidationPipeOptions = {}) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    if (!metatype || PRIMITIVES.has(metatype) || metadata.type === 'custom') return value;
    const { validate, plainToInstance, instanceToPlain } = await loadLibraries();
    if (value === null || typeof value !== 'object') {
      throw new BadRequestException(`Validation failed: the ${metadata.type} must be an object`);
    }
    const instance = plainToInstance(metatype, value);
    const errors: ValidationError[] = await validate(instance, {
      whitelist: this.options.whitelist,
      forbidNonWhitelisted: this.options.forbidNonWhitelisted,
      skipMissingProperties: this.options.skipMissingProperties,
    });
    if (errors.length > 0) throw new BadRequestException(errors.flatMap((e) => messagesOf(e)));
    if (this.options.transform) return instance;
    // whitelist strips properties on the instance, so hand back that, as plain data.
    return this.options.whitelist ? instanceToPlain(instance) : value;
  }
}

interface ValidationError { property: string; constraints?: Record<string, string>; children?: ValidationError[] }

/** Every failure message, nested ones prefixed with their path (`address.city must be a string`). */
function messagesOf(error: ValidationError, path = ''): string[] {
  const own = Object.values(error.constraints ?? {}).map((m) => path + m);
  const nested = (error.children ?? []).flatMap((child) => messagesOf(child, `${path}${error.property}.`));
  if (own.length === 0 && nested.length === 0) return [`${path}${error.property} is invalid`];
  return [...own, ...nested];
}
