import { integerOption } from '../common/integer-option.js';
import { Errors } from '../errors.js';
import type { MulterLimits } from './multer-options.js';

/**
 * The defaults of the limits multer leaves unbounded. With memory storage a
 * request holds at most `files × fileSize + fields × fieldSize` bytes (about
 * 110 MiB with these); `parts` defaults to `files + fields`.
 */
export const UPLOAD_LIMIT_DEFAULTS = {
  fileSize: 10 * 1024 * 1024,
  files: 10,
  fields: 100,
  fieldSize: 100 * 1024,
  fieldNameSize: 100,
  headerPairs: 2000,
} as const;

export type UploadLimits = Required<MulterLimits>;

const LIMIT_KEYS = ['fileSize', 'files', 'fields', 'parts', 'fieldSize', 'fieldNameSize', 'headerPairs'] as const;

/** The limits given, checked once (at start-up, when an interceptor is built), with the defaults for the rest. */
export function resolveUploadLimits(given: MulterLimits | undefined, where: string): UploadLimits {
  if (given !== undefined && (typeof given !== 'object' || given === null)) throw Errors.INVALID_OPTION(where, 'limits', 'must be an object');
  const limits = given ?? {};
  for (const key of Object.keys(limits)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key))
      throw Errors.INVALID_OPTION(where, `limits.${key}`, `is not a limit: use one of ${LIMIT_KEYS.join(', ')}`);
  }
  const read = (key: (typeof LIMIT_KEYS)[number], fallback: number, min: number) =>
    integerOption(limits[key] ?? fallback, min, (rule) => Errors.INVALID_OPTION(where, `limits.${key}`, rule));
  const files = read('files', UPLOAD_LIMIT_DEFAULTS.files, 0);
  const fields = read('fields', UPLOAD_LIMIT_DEFAULTS.fields, 0);
  return {
    fileSize: read('fileSize', UPLOAD_LIMIT_DEFAULTS.fileSize, 0),
    files,
    fields,
    parts: read('parts', files + fields, 0),
    fieldSize: read('fieldSize', UPLOAD_LIMIT_DEFAULTS.fieldSize, 0),
    fieldNameSize: read('fieldNameSize', UPLOAD_LIMIT_DEFAULTS.fieldNameSize, 1),
    headerPairs: read('headerPairs', UPLOAD_LIMIT_DEFAULTS.headerPairs, 1),
  };
}
