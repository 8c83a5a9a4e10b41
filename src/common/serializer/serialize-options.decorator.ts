import { SetMetadata } from '../enhancer.decorators.js';
import type { Type } from '../types.js';

/** Where `@SerializeOptions()` stores its options, as in NestJS. */
export const CLASS_SERIALIZER_OPTIONS = 'class_serializer:options';

/** class-transformer's options (see its `ClassTransformOptions`), as ClassSerializerInterceptor passes them on. */
export interface ClassTransformOptions {
  strategy?: 'excludeAll' | 'exposeAll';
  excludeExtraneousValues?: boolean;
  groups?: string[];
  version?: number;
  excludePrefixes?: string[];
  ignoreDecorators?: boolean;
  targetMaps?: any[];
  enableCircularCheck?: boolean;
  enableImplicitConversion?: boolean;
  exposeDefaultValues?: boolean;
  exposeUnsetFields?: boolean;
  [option: string]: unknown;
}

export interface ClassSerializerContextOptions extends ClassTransformOptions {
  /** Turn plain results into this class first, so its `@Exclude`/`@Expose` decorators apply. */
  type?: Type<any>;
}

/** Options for ClassSerializerInterceptor on a handler or a controller; the handler's win. */
export function SerializeOptions(options: ClassSerializerContextOptions) {
  return SetMetadata(CLASS_SERIALIZER_OPTIONS, options);
}
