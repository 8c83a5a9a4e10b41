import { Errors } from '../errors.js';
import { diskStorage } from './disk-storage.js';
import { memoryStorage } from './memory-storage.js';
import type { MulterOptions } from './multer-options.js';
import type { UploadSettings } from './multipart-reader.js';
import { resolveUploadLimits } from './upload-limits.js';

const OPTION_KEYS: ReadonlySet<string> = new Set(['dest', 'storage', 'limits', 'preservePath', 'fileFilter', 'defParamCharset']);

/**
 * An interceptor's options (MulterModule's, then its own over them, key by key
 * as NestJS merges them), checked once when the interceptor is built, at start-up.
 * `storage` wins over `dest`; with neither, files stay in memory.
 */
export function resolveUploadSettings(options: MulterOptions, where: string, accepts: UploadSettings['accepts']): UploadSettings {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw Errors.INVALID_OPTION(where, key, `is not an upload option: use one of ${[...OPTION_KEYS].join(', ')}`);
  }
  const { dest, storage, fileFilter, preservePath = false, defParamCharset = 'utf8' } = options;
  if (dest !== undefined && (typeof dest !== 'string' || dest === '')) throw Errors.INVALID_OPTION(where, 'dest', 'must be a directory path');
  if (storage !== undefined && (typeof storage?._handleFile !== 'function' || typeof storage._removeFile !== 'function')) {
    throw Errors.INVALID_OPTION(where, 'storage', 'must be a storage engine with _handleFile and _removeFile (memoryStorage(), diskStorage())');
  }
  if (fileFilter !== undefined && typeof fileFilter !== 'function')
    throw Errors.INVALID_OPTION(where, 'fileFilter', 'must be a function (req, file, callback)');
  if (typeof preservePath !== 'boolean') throw Errors.INVALID_OPTION(where, 'preservePath', 'must be a boolean');
  if (typeof defParamCharset !== 'string') throw Errors.INVALID_OPTION(where, 'defParamCharset', 'must be a charset name');
  return {
    storage: storage ?? (dest !== undefined ? diskStorage({ destination: dest }) : memoryStorage()),
    limits: resolveUploadLimits(options.limits, where),
    fileFilter,
    preservePath,
    defParamCharset,
    accepts,
  };
}
