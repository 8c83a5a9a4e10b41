/**
 * One event's bytes, encoded once and written to every subscriber. For HTTP/1.1
 * chunked responses the chunk framing is built once too, lazily, so fan-out is a
 * single socket write of the same Buffer per subscriber.
 */
export class SharedEvent {
  private framedBytes: Buffer | undefined;

  constructor(readonly bytes: Buffer) {}

  static of(text: string): SharedEvent {
    return new SharedEvent(Buffer.from(text));
  }

  /** The bytes as one HTTP/1.1 chunk: size in hex, CRLF, the bytes, CRLF. */
  get framed(): Buffer {
    this.framedBytes ??= frameChunk(this.bytes);
    return this.framedBytes;
  }
}

const CRLF = Buffer.from('\r\n');

export function frameChunk(bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, CRLF]);
}
