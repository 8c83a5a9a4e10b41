/**
 * Tells a file's type from its first bytes (its magic number), for
 * FileTypeValidator. A small built-in table of common types, with the MIME
 * names the `file-type` package (which NestJS uses) reports, so a `fileType`
 * pattern written for NestJS matches the same files. A type not in the table
 * is `undefined`: unknown, not trusted.
 */

const OOXML: ReadonlyArray<readonly [string, string]> = [
  ['word/', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt/', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
];

/** The MIME types this sniffer can recognise. */
export const SNIFFED_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/avif',
  'image/heic',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'video/mp4',
  'video/quicktime',
  'audio/mpeg',
  'audio/wav',
  ...OOXML.map(([, mime]) => mime),
]);

function startsWith(bytes: Uint8Array, signature: ReadonlyArray<number | undefined>, offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => byte === undefined || bytes[offset + i] === byte);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const text = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** The MIME type the bytes show, or `undefined` when they match nothing in the table. */
export function sniffFileType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF'))) {
    if (startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
    if (startsWith(bytes, ascii('WAVE'), 8)) return 'audio/wav';
    return undefined;
  }
  if (startsWith(bytes, ascii('%PDF'))) return 'application/pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return zipType(bytes);
  if (startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]) || startsWith(bytes, [0x50, 0x4b, 0x07, 0x08])) return 'application/zip';
  if (startsWith(bytes, [0x1f, 0x8b, 0x08])) return 'application/gzip';
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return 'image/tiff';
  if (startsWith(bytes, ascii('ID3'))) return 'audio/mpeg';
  if (startsWith(bytes, ascii('ftyp'), 4)) return isoMediaType(text(bytes, 8, 12));
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 14) return 'image/bmp';
  return undefined;
}

/** ISO base media files (`ftyp` box) by their major brand. */
function isoMediaType(brand: string): string {
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  if (brand === 'heic' || brand === 'heix') return 'image/heic';
  if (brand === 'qt  ') return 'video/quicktime';
  return 'video/mp4';
}

/**
 * A ZIP archive, or a format built on one: an Office Open XML document (by its
 * `word/`, `xl/` or `ppt/` entries), or an OpenDocument or EPUB file (by its
 * stored `mimetype` entry). Reads local file headers only, a bounded number.
 */
function zipType(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (let entries = 0; entries < 64 && offset + 30 <= bytes.length; entries++) {
    if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04], offset)) break;
    const flags = view.getUint16(offset + 6, true);
    const method = view.getUint16(offset + 8, true);
    const size = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    const nameStart = offset + 30;
    if (nameStart + nameLength > bytes.length) break;
    const name = new TextDecoder().decode(bytes.subarray(nameStart, nameStart + nameLength));
    const dataStart = nameStart + nameLength + extraLength;
    if (name === 'mimetype' && method === 0 && dataStart + size <= bytes.length) {
      const declared = text(bytes, dataStart, dataStart + size).trim();
      if (/^[a-z]+\/[\w.+-]+$/.test(declared)) return declared;
    }
    for (const [prefix, mime] of OOXML) if (name.startsWith(prefix)) return mime;
    // With a data descriptor (flag bit 3) the size here may be 0: the next header cannot be found.
    if ((flags & 0x08) !== 0 && size === 0) break;
    offset = dataStart + size;
  }
  return 'application/zip';
}
