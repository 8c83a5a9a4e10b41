import { pipeExceptionFactory, type ErrorHttpStatusCode } from '../http-error-by-code.js';
import { Errors } from '../../errors.js';
import type { ArgumentMetadata, PipeTransform } from '../interfaces.js';
import type { Type } from '../types.js';

/** NestJS's ValidationPipe options; those of class-validator's `validate()` are passed to it as they are. */
export interface ValidationPipeOptions {
  /** Return the class instance built by class-transformer (and primitive params converted: `'7'` → 7 for a number). */
  transform?: boolean;
  /** Options for class-transformer's plainToInstance, such as `{ enableImplicitConversion: true }`. */
  transformOptions?: Record<string, unknown>;
  /** Strip properties that have no decorator. */
  whitelist?: boolean;
  /** Reject properties that have no decorator (with whitelist). */
  forbidNonWhitelisted?: boolean;
  forbidUnknownValues?: boolean;
  skipMissingProperties?: boolean;
  skipNullProperties?: boolean;
  skipUndefinedProperties?: boolean;
  stopAtFirstError?: boolean;
  dismissDefaultMessages?: boolean;
  groups?: string[];
  always?: boolean;
  strictGroups?: boolean;
  validationError?: { target?: boolean; value?: boolean };
  /** Send a 400 without the list of messages. */
  disableErrorMessages?: boolean;
  /** The status of a failed validation (default 400), answered with that status's built-in exception. */
  errorHttpStatusCode?: ErrorHttpStatusCode;
  /** Builds the exception thrown for the validation errors. */
  exceptionFactory?: (errors: ValidationError[]) => unknown;
  /** Also validate the values of custom parameter decorators. */
  validateCustomDecorators?: boolean;
  /** The class to validate against, when the parameter's declared type says nothing. */
  expectedType?: Type;
}

/** class-validator's error shape. */
export interface ValidationError {
  property: string;
  value?: unknown;
  target?: object;
  constraints?: Record<string, string>;
  children?: ValidationError[];
  contexts?: Record<string, unknown>;
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

/** Types NestJS does not validate: nothing to check on them. */
const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Array, Object, Buffer, Date]);

/** Options that belong to the pipe, not to class-validator. */
const OWN_OPTIONS = new Set([
  'transform',
  'transformOptions',
  'disableErrorMessages',
  'errorHttpStatusCode',
  'exceptionFactory',
  'validateCustomDecorators',
  'expectedType',
]);

/** Validates a parameter against its class's class-validator decorators; failures are a 400 listing each, as in NestJS. */
export class ValidationPipe implements PipeTransform {
  private readonly validatorOptions: Record<string, unknown>;

  constructor(private readonly options: ValidationPipeOptions = {}) {
    this.validatorOptions = Object.fromEntries(Object.entries(options).filter(([key]) => !OWN_OPTIONS.has(key)));
  }

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = this.options.expectedType ?? metadata.metatype;
    if (metadata.type === 'custom' && !this.options.validateCustomDecorators) return value;
    if (!metatype || PRIMITIVES.has(metatype)) {
      return this.options.transform ? convertPrimitive(value, metadata, metatype) : value;
    }
    const { validate, plainToInstance, instanceToPlain } = await loadLibraries();
    // A primitive where a class is expected: validated as an empty instance, so its rules report what is missing.
    const primitive = value === null || typeof value !== 'object';
    const instance = primitive ? Object.assign(Object.create(metatype.prototype), {}) : plainToInstance(metatype, value, this.options.transformOptions);
    const errors: ValidationError[] = await validate(instance, this.validatorOptions);
    if (errors.length > 0) throw this.exceptionFor(errors);
    if (this.options.transform) return primitive ? value : instance;
    if (primitive) return value;
    // With validator options (whitelist…), the instance is what was checked: hand that back, as plain data.
    return Object.keys(this.validatorOptions).length > 0 ? instanceToPlain(instance, this.options.transformOptions) : value;
  }

  /** The exception for failed validation; a subclass may override it, as in NestJS. */
  createExceptionFactory(): (errors: ValidationError[]) => unknown {
    if (this.options.exceptionFactory) return this.options.exceptionFactory;
    const exception = pipeExceptionFactory<string[] | undefined>({ errorHttpStatusCode: this.options.errorHttpStatusCode });
    if (this.options.disableErrorMessages) return () => exception(undefined);
    return (errors) => exception(errors.flatMap((e) => messagesOf(e)));
  }

  private exceptionFor(errors: ValidationError[]): unknown {
    return this.createExceptionFactory()(errors);
  }
}

/** With `transform`, path and query strings become the declared primitive type, as NestJS converts them. */
function convertPrimitive(value: unknown, metadata: ArgumentMetadata, metatype: unknown): unknown {
  if ((metadata.type !== 'param' && metadata.type !== 'query') || typeof value !== 'string' || metadata.data === undefined) return value;
  if (metatype === Boolean) return value === 'true' ? true : value === 'false' ? false : value;
  if (metatype === Number) return value.trim() === '' ? value : +value;
  return value;
}

/** Every failure message, nested ones prefixed with their path (`address.city must be a string`). */
function messagesOf(error: ValidationError, path = ''): string[] {
  const own = Object.values(error.constraints ?? {}).map((m) => path + m);
  const nested = (error.children ?? []).flatMap((child) => messagesOf(child, `${path}${error.property}.`));
  if (own.length === 0 && nested.length === 0) return [`${path}${error.property} is invalid`];
  return [...own, ...nested];
}
