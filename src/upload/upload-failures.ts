import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '../common/exceptions.js';

/**
 * The answers of a failed upload, with multer's messages. Every limit is a 413
 * (NestJS answers 400 for the count limits; a request over a size or count
 * limit is too large either way); a form that breaks the rules is a 400.
 */
export const UploadFailures = {
  fileTooLarge: () => new PayloadTooLargeException('File too large'),
  tooManyFiles: () => new PayloadTooLargeException('Too many files'),
  tooManyFields: () => new PayloadTooLargeException('Too many fields'),
  tooManyParts: () => new PayloadTooLargeException('Too many parts'),
  fieldValueTooLong: () => new PayloadTooLargeException('Field value too long'),
  fieldNameTooLong: () => new PayloadTooLargeException('Field name too long'),
  unexpectedField: (name: string) => new BadRequestException(`Unexpected field: ${JSON.stringify(name)}`),
  missingFieldName: () => new BadRequestException('Field name missing'),
  malformed: (reason: string) => new BadRequestException(`Multipart: ${reason}`),
  aborted: () => new HttpException('Request aborted by the client', 400),
  /** What a file in progress is ended with when the request failed for a reason that is not an Error (a storage's odd callback). */
  cancelled: () => new BadRequestException('Upload cancelled'),
  notMultipart: (type: string) =>
    new UnsupportedMediaTypeException(`Unsupported media type "${type || '(none)'}": this route takes a file upload, send multipart/form-data`),
} as const;
