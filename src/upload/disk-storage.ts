import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream';
import type { Request } from '../common/interfaces.js';
import { Errors } from '../errors.js';
import type { IncomingFile, MulterFile, StorageEngine } from './multer-options.js';

type FileInfo = Omit<IncomingFile, 'stream'>;
type Decide = (req: Request, file: FileInfo, callback: (error: Error | null, value: string) => void) => void;

/** The options of multer's `diskStorage()`. */
export interface DiskStorageOptions {
  /** The directory (created at once if missing), or a function that picks one per file (which must exist). Default: the OS temp directory. */
  destination?: string | Decide;
  /** The stored file's name. Default: 32 random hex digits, so the client's name never reaches the disk. */
  filename?: Decide;
}

/**
 * Writes each file into a directory, as multer's `diskStorage()`. A file is
 * created exclusively (`wx`: never over an existing file or through a
 * symlink), under a name that must be a plain name (no `/`, `\`, `..`), so
 * no file escapes its directory, whatever the client sent. A file cut short
 * (a limit, a client gone) is closed and deleted before the request fails.
 */
export function diskStorage(options: DiskStorageOptions = {}): StorageEngine {
  return new DiskStorage(options);
}

const randomName: Decide = (_req, _file, callback) => callback(null, randomBytes(16).toString('hex'));

class DiskStorage implements StorageEngine {
  private readonly destination: Decide;
  private readonly filename: Decide;

  constructor(options: DiskStorageOptions) {
    const { destination = tmpdir(), filename = randomName } = options;
    if (typeof destination === 'string') {
      mkdirSync(destination, { recursive: true });
      this.destination = (_req, _file, callback) => callback(null, destination);
    } else if (typeof destination === 'function') {
      this.destination = destination;
    } else {
      throw Errors.INVALID_OPTION('diskStorage()', 'destination', 'must be a directory or a function (req, file, callback)');
    }
    if (typeof filename !== 'function') throw Errors.INVALID_OPTION('diskStorage()', 'filename', 'must be a function (req, file, callback)');
    this.filename = filename;
  }

  _handleFile(req: Request, file: IncomingFile, callback: (error?: any, info?: Partial<MulterFile>) => void): void {
    const { stream, ...info } = file;
    this.destination(req, info, (error, destination) => {
      if (error) return callback(error);
      this.filename(req, info, (error, filename) => {
        if (error) return callback(error);
        if (!isPlainName(filename)) return callback(Errors.UPLOAD_FILE_NAME(filename));
        write(stream, destination, filename, callback);
      });
    });
  }

  _removeFile(_req: Request, file: MulterFile, callback: (error: Error | null) => void): void {
    const { path } = file;
    delete file.destination;
    delete file.filename;
    delete file.path;
    if (path === undefined) callback(null);
    else removeQuietly(path).then(() => callback(null), callback);
  }
}

/** A name that stays inside its directory: not empty, not `.` or `..`, no separator, no NUL. */
function isPlainName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && basename(name) === name && !/[\\/\0]/.test(name);
}

function write(stream: IncomingFile['stream'], destination: string, filename: string, callback: (error?: any, info?: Partial<MulterFile>) => void): void {
  const path = join(destination, filename);
  const out = createWriteStream(path, { flags: 'wx' });
  let created = false;
  out.once('open', () => {
    created = true;
  });
  pipeline(stream, out, (error) => {
    if (!error) return callback(null, { destination, filename, path, size: out.bytesWritten });
    // Only a file this call created is deleted (`wx` fails on one that was there), once its descriptor is closed.
    const cleanup = () => (created ? removeQuietly(path) : Promise.resolve());
    const closed = out.closed ? Promise.resolve() : new Promise<void>((resolve) => out.once('close', () => resolve()));
    closed
      .then(cleanup)
      .catch(() => undefined)
      .then(() => callback(error));
  });
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
