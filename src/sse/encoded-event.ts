/**
 * One event's bytes, encoded once and written to every client that gets it.
 * For HTTP/1.1 chunked responses the chunk framing is built once too, lazily,
 * so a fan-out is one socket write of the same Buffer per subscriber.
 */
export class EncodedEvent {
  private framedBytes: Buffer | undefined;

  constructor(readonly bytes: Buffer) {}

  static of(text: string): EncodedEvent {
    return new EncodedEvent(Buffer.from(text));
  }

  /** The bytes as one HTTP/1.1 chunk: size in hex, CRLF, the bytes, CRLF. */
  get framed(): Buffer {
    this.framedBytes ??= frameChunk(this.bytes);
    return this.framedBytes;
  }
}

function frameChunk(bytes: Buffer): Buffer {
  const head = `${bytes.length.toString(16)}\r\n`;
  const framed = Buffer.allocUnsafe(head.length + bytes.length + 2);
  framed.write(head, 0, 'latin1');
  bytes.copy(framed, head.length);
  framed.write('\r\n', head.length + bytes.length, 'latin1');
  return framed;
}
