import type { IncomingFile, MulterFile, StorageEngine } from './multer-options.js';
import type { Request } from '../common/interfaces.js';
import { UploadFailures } from './upload-failures.js';

/**
 * Keeps each file in memory as `buffer`, as multer's `memoryStorage()`. Its
 * size is bounded by `limits.fileSize`: the reader cuts a longer file off
 * and fails the request before more arrives.
 */
export function memoryStorage(): StorageEngine {
  return new MemoryStorage();
}

class MemoryStorage implements StorageEngine {
  _handleFile(_req: Request, file: IncomingFile, callback: (error?: any, info?: Partial<MulterFile>) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      if (error) callback(error);
      else callback(null, { buffer: Buffer.concat(chunks, size), size });
    };
    file.stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    file.stream.on('end', () => finish());
    file.stream.on('error', finish);
    // Destroyed without an error (the reader gave up on the request): nothing to keep.
    file.stream.on('close', () => finish(UploadFailures.cancelled()));
  }

  _removeFile(_req: Request, file: MulterFile, callback: (error: Error | null) => void): void {
    delete file.buffer;
    callback(null);
  }
}
