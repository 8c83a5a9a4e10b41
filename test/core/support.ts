import net from 'node:net';
import type { LoggerService } from 'streamnest';

/** A fetch that also reads the body as text and, when it is JSON, parses it. */
export async function call(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; text: string; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  if ((res.headers.get('content-type') ?? '').includes('json') && text.length > 0) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * Sends raw bytes over a fresh socket and resolves with everything the server
 * sent before closing. The request should say `Connection: close`; the socket is
 * not half-closed, since Node's server drops a response still pending when the
 * client half-closes first.
 */
export function rawRequest(url: string, request: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** Records every log line, so tests can assert what the framework logged. */
export class CaptureLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; context?: string }> = [];
  log(message: unknown, context?: string) {
    this.push('log', message, context);
  }
  warn(message: unknown, context?: string) {
    this.push('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.push('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.push('verbose', message, context);
  }
  error(message: unknown, ...rest: Array<string | undefined>) {
    this.push('error', [message, ...rest.filter((r) => r !== undefined)].map(String).join('\n'), undefined);
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.context ?? ''} ${l.message}`).join('\n');
  }
  private push(level: string, message: unknown, context?: string) {
    this.lines.push({ level, message: typeof message === 'string' ? message : String(message), context });
  }
}

/** Resolves once `check` holds, polling; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
