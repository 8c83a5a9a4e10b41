/// <reference types="node" preserve="true" />
/**
 * streamnest/upload: file uploads, as @nestjs/platform-express gives them
 * over multer, here streamed by busboy. `@UploadedFile()`, `@UploadedFiles()`
 * and `ParseFilePipe` with its validators are at the root (`streamnest`), as
 * in @nestjs/common.
 */
export { FileInterceptor, FilesInterceptor, FileFieldsInterceptor, AnyFilesInterceptor, NoFilesInterceptor } from './interceptors.js';
export { MulterModule, type MulterModuleAsyncOptions, type MulterOptionsFactory } from './multer.module.js';
export { MULTER_MODULE_OPTIONS } from './multer.constants.js';
export { memoryStorage } from './memory-storage.js';
export { diskStorage, type DiskStorageOptions } from './disk-storage.js';
export { UPLOAD_LIMIT_DEFAULTS } from './upload-limits.js';
export type { MulterFile, MulterOptions, MulterModuleOptions, MulterLimits, MulterField, StorageEngine, IncomingFile, FileFilter } from './multer-options.js';
