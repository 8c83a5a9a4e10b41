import type { ExecutionContext } from './interfaces.js';
import { createParamDecorator } from './param.decorators.js';

/**
 * The file an upload interceptor (`FileInterceptor` from streamnest/upload)
 * put on the request, as NestJS's `@UploadedFile()`: `req.file`, or
 * `req[fileKey]` when a key is given. Pipes given here (a `ParseFilePipe`)
 * validate it; route and global pipes apply too, as to any custom parameter.
 */
export const UploadedFile = createParamDecorator((fileKey: string | undefined, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  return req[fileKey ?? 'file'];
});

/**
 * The files an upload interceptor put on the request, as NestJS's
 * `@UploadedFiles()`: `req.files`, an array (`FilesInterceptor`,
 * `AnyFilesInterceptor`) or a record of arrays by field (`FileFieldsInterceptor`).
 */
export const UploadedFiles = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ files?: unknown }>().files);
