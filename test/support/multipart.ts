import net from 'node:net';
import { readdirSync } from 'node:fs';

/** One part of a hand-built multipart/form-data body: a text field, or a file (with a filename). */
export interface Part {
  name?: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}

export const BOUNDARY = 'streamnest-test-boundary';

/** The bytes of a multipart/form-data body, written by hand so a test controls every byte (names, headers, the end). */
export function multipartBody(parts: Part[], { end = true, boundary = BOUNDARY } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = [
      'form-data',
      part.name === undefined ? undefined : `name="${part.name}"`,
      part.filename === undefined ? undefined : `filename="${part.filename}"`,
    ]
      .filter(Boolean)
      .join('; ');
    let head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n`;
    if (part.type !== undefined) head += `Content-Type: ${part.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'latin1'), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value), Buffer.from('\r\n'));
  }
  if (end) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A POST of a hand-built body, as the head of a raw HTTP/1.1 request (`Connection: close`). */
export function rawPost(path: string, body: Buffer, { type = `multipart/form-data; boundary=${BOUNDARY}`, length = body.length } = {}): Buffer {
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** The status code of a raw HTTP response. */
export function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
}

/** The JSON body of a raw HTTP response (not chunked: streamnest sends JSON with a Content-Length). */
export function jsonOf(response: string): any {
  const at = response.indexOf('\r\n\r\n');
  return JSON.parse(Buffer.from(response.slice(at + 4), 'latin1').toString('utf8'));
}

/**
 * Opens a socket, writes `first`, and resolves with it once connected, so the
 * test can write more, wait, or destroy it halfway. `received` collects what
 * the server sends; `closed` resolves when the server closes.
 */
export async function openRaw(url: string, first: Buffer) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  // A server that answers early and closes may reset the connection while we still write: that is expected here.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(first);
  return { socket, closed, received: () => received };
}

/** The names in a directory. */
export const filesIn = (dir: string) => readdirSync(dir);

/** How many file descriptors this process has open (Linux), or undefined elsewhere. */
export function openDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}
