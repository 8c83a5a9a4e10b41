import { open } from 'node:fs/promises';

/**
 * How much of a stored file the type sniffer reads: enough for every magic
 * number in its table, and for the first entries of a ZIP-based document
 * (an Office file names its `word/`, `xl/` or `ppt/` parts early).
 */
export const FILE_HEAD_BYTES = 64 * 1024;

/** The first `length` bytes of the file at `path` (fewer if it is shorter); `undefined` when it cannot be read. */
export async function readFileHead(path: string, length = FILE_HEAD_BYTES): Promise<Uint8Array | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
