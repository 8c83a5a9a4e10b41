/**
 * An uploaded file as multer (and so NestJS) shapes it: `buffer` with memory
 * storage, `path` with disk storage.
 */
export interface IFile {
  /** The MIME type the client declared. */
  mimetype: string;
  /** Size in bytes. */
  size: number;
  /** The file's bytes, when held in memory. */
  buffer?: Buffer;
  /** The form field the file came in. */
  fieldname?: string;
  /** The file name on the client's machine. */
  originalname?: string;
  encoding?: string;
  /** Where the file was stored, with disk storage. */
  path?: string;
  destination?: string;
  filename?: string;
}
