import { markBodyConsumer } from '../common/body-consumer.js';
import { Inject, Optional } from '../common/injectable.decorator.js';
import type { CallHandler, ExecutionContext, NestInterceptor, Request, Response } from '../common/interfaces.js';
import { mixin } from '../common/mixin.js';
import type { Type } from '../common/types.js';
import { MULTER_MODULE_OPTIONS } from './multer.constants.js';
import type { MulterFile, MulterOptions } from './multer-options.js';
import { hasBody, isMultipart, readMultipart, type UploadSettings } from './multipart-reader.js';
import { UploadFailures } from './upload-failures.js';
import { resolveUploadSettings } from './upload-settings.js';

/** Which files a route takes, and where they go on the request. */
export interface FilePlacement {
  /** What the errors call the interceptor: `FileInterceptor('avatar')`. */
  name: string;
  accepts: UploadSettings['accepts'];
  place(req: Request & { file?: MulterFile; files?: unknown }, files: MulterFile[]): void;
}

/**
 * Makes an upload interceptor class, as NestJS's mixins over multer: built by
 * the container (so it sees MulterModule's options), its options checked
 * then, and marked as reading the body itself, so the framework's body parser
 * leaves its routes' bodies unread. Per request it streams the form (see
 * multipart-reader.ts), sets `req.body` to the text fields and places the
 * files, then runs the handler.
 */
export function uploadInterceptor(placement: FilePlacement, localOptions: MulterOptions = {}): Type<NestInterceptor> {
  class MixinInterceptor implements NestInterceptor {
    private readonly settings: UploadSettings;

    constructor(@Optional() @Inject(MULTER_MODULE_OPTIONS) moduleOptions?: MulterOptions) {
      this.settings = resolveUploadSettings({ ...moduleOptions, ...localOptions }, placement.name, placement.accepts);
    }

    async intercept(context: ExecutionContext, next: CallHandler): Promise<unknown> {
      const http = context.switchToHttp();
      await receive(http.getRequest<Request>(), http.getResponse<Response>(), this.settings, placement);
      return next.handle();
    }
  }
  markBodyConsumer(MixinInterceptor);
  return mixin(MixinInterceptor);
}

async function receive(req: Request, res: Response, settings: UploadSettings, placement: FilePlacement): Promise<void> {
  // No body (a GET, an empty POST): nothing to read, as multer passes it on; a required file is ParseFilePipe's to ask for.
  if (!hasBody(req)) return;
  if (!isMultipart(req)) {
    if (req.httpVersionMajor === 1 && !res.headersSent) res.setHeader('Connection', 'close');
    throw UploadFailures.notMultipart(
      String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim(),
    );
  }
  const { body, files } = await readMultipart(req, res, settings);
  req.body = body;
  placement.place(req, files);
}
