/// <reference types="node" preserve="true" />
import type { Readable } from 'node:stream';
import type { Request } from '../common/interfaces.js';

/**
 * An uploaded file, shaped as multer (and so NestJS, as `Express.Multer.File`)
 * shapes it: `buffer` with memory storage; `destination`, `filename` and
 * `path` with disk storage.
 */
export interface MulterFile {
  /** The form field the file came in. */
  fieldname: string;
  /** The file name the client sent, without its directories: metadata only, never used to store the file. */
  originalname: string;
  /** The part's Content-Transfer-Encoding (usually `7bit`). */
  encoding: string;
  /** The MIME type the client declared (check the bytes with `FileTypeValidator`). */
  mimetype: string;
  /** Size in bytes. */
  size: number;
  /** The bytes, with memory storage. */
  buffer?: Buffer;
  /** The directory the file was stored in, with disk storage. */
  destination?: string;
  /** The stored file's name inside `destination` (random by default). */
  filename?: string;
  /** `destination` joined with `filename`. */
  path?: string;
}

/** What a storage engine is given for each file: its description and the stream of its bytes. */
export interface IncomingFile {
  fieldname: string;
  originalname: string;
  encoding: string;
  mimetype: string;
  /** The file's bytes; it ends early, with an error, when the upload is cut short. */
  stream: Readable;
}

/**
 * Where files go, as multer's storage engines: `_handleFile` consumes the
 * stream and reports what to add to the file object (`size` at least);
 * `_removeFile` undoes it when the upload fails later. Engines written for
 * multer (say, to S3) implement the same two methods.
 */
export interface StorageEngine {
  _handleFile(req: Request, file: IncomingFile, callback: (error?: any, info?: Partial<MulterFile>) => void): void;
  _removeFile(req: Request, file: MulterFile, callback: (error: Error | null) => void): void;
}

/** multer's limits, with the same names. Each has a safe default (see `UPLOAD_LIMIT_DEFAULTS`); past one, the request gets 413. */
export interface MulterLimits {
  /** The largest file, in bytes. */
  fileSize?: number;
  /** Files per request. */
  files?: number;
  /** Non-file fields per request. */
  fields?: number;
  /** Parts (files and fields) per request. */
  parts?: number;
  /** The longest field value, in bytes. */
  fieldSize?: number;
  /** The longest field name, in bytes. */
  fieldNameSize?: number;
  /** Header key-value pairs per part. */
  headerPairs?: number;
}

/** Accepts (`true`) or skips (`false`) a file before it is stored; an error fails the request. */
export type FileFilter = (req: Request, file: Omit<IncomingFile, 'stream'>, callback: (error: Error | null, acceptFile?: boolean) => void) => void;

/** The options of multer, as NestJS's interceptors and `MulterModule` take them. */
export interface MulterOptions {
  /** Store files on disk in this directory (created if missing), under random names. */
  dest?: string;
  /** Where files go: `memoryStorage()` (the default without `dest`), `diskStorage({...})`, or an engine of your own. */
  storage?: StorageEngine;
  limits?: MulterLimits;
  /** Keep the directories of the client's file name in `originalname` (metadata only). Default false. */
  preservePath?: boolean;
  fileFilter?: FileFilter;
  /** The charset of part header parameters without one (a file name). Default `utf8`, what browsers send. */
  defParamCharset?: string;
}

/** NestJS's name for the options `MulterModule.register()` takes. */
export type MulterModuleOptions = MulterOptions;

/** One field of `FileFieldsInterceptor`: its name, and how many files it may carry (default: any, within `limits.files`). */
export interface MulterField {
  name: string;
  maxCount?: number;
}
