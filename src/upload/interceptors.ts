import type { NestInterceptor } from '../common/interfaces.js';
import type { Type } from '../common/types.js';
import { Errors } from '../errors.js';
import { printable } from '../common/describe.js';
import type { MulterField, MulterFile, MulterOptions } from './multer-options.js';
import { uploadInterceptor } from './upload-interceptor.js';

/** One file in `fieldName`, on `req.file` (`@UploadedFile()`); a second file, or one in another field, is a 400. */
export function FileInterceptor(fieldName: string, localOptions?: MulterOptions): Type<NestInterceptor> {
  const name = `FileInterceptor(${JSON.stringify(checkName(fieldName, 'FileInterceptor'))})`;
  return uploadInterceptor(
    {
      name,
      accepts: (field, count) => field === fieldName && count < 1,
      place: (req, files) => {
        if (files[0]) req.file = files[0];
      },
    },
    localOptions,
  );
}

/** Up to `maxCount` files in `fieldName`, on `req.files` (`@UploadedFiles()`). */
export function FilesInterceptor(fieldName: string, maxCount?: number, localOptions?: MulterOptions): Type<NestInterceptor> {
  const name = `FilesInterceptor(${JSON.stringify(checkName(fieldName, 'FilesInterceptor'))})`;
  const most = checkCount(maxCount, name);
  return uploadInterceptor(
    { name, accepts: (field, count) => field === fieldName && count < most, place: (req, files) => void (req.files = files) },
    localOptions,
  );
}

/** Files in several fields, each with its `maxCount`, on `req.files` as `{ field: files[] }` (only fields that got files). */
export function FileFieldsInterceptor(uploadFields: MulterField[], localOptions?: MulterOptions): Type<NestInterceptor> {
  if (!Array.isArray(uploadFields))
    throw Errors.INVALID_ARGUMENT('FileFieldsInterceptor()', 'uploadFields must be an array of { name, maxCount? }', printable(uploadFields));
  const most = new Map<string, number>();
  for (const field of uploadFields)
    most.set(checkName(field?.name, 'FileFieldsInterceptor'), checkCount(field.maxCount, `FileFieldsInterceptor field ${field.name}`));
  const name = `FileFieldsInterceptor(${[...most.keys()].join(', ')})`;
  return uploadInterceptor(
    {
      name,
      accepts: (field, count) => count < (most.get(field) ?? 0),
      place: (req, files) => {
        const byField: Record<string, MulterFile[]> = Object.create(null);
        for (const file of files) (byField[file.fieldname] ??= []).push(file);
        req.files = byField;
      },
    },
    localOptions,
  );
}

/** Files in any field, on `req.files`, within `limits.files`. */
export function AnyFilesInterceptor(localOptions?: MulterOptions): Type<NestInterceptor> {
  return uploadInterceptor({ name: 'AnyFilesInterceptor()', accepts: () => true, place: (req, files) => void (req.files = files) }, localOptions);
}

/** A multipart form of text fields only (into `@Body()`); any file is a 400. */
export function NoFilesInterceptor(localOptions?: MulterOptions): Type<NestInterceptor> {
  return uploadInterceptor({ name: 'NoFilesInterceptor()', accepts: () => false, place: () => undefined }, localOptions);
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name === '') throw Errors.INVALID_ARGUMENT(`${where}()`, 'the field name must be a non-empty string', printable(name));
  return name;
}

/** A field's most files: a positive integer, or any number (within `limits.files`) when left out. */
function checkCount(maxCount: unknown, where: string): number {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  if (typeof maxCount !== 'number' || !Number.isSafeInteger(maxCount) || maxCount < 1) {
    throw Errors.INVALID_ARGUMENT(where, 'maxCount must be an integer of at least 1', printable(maxCount));
  }
  return maxCount;
}
