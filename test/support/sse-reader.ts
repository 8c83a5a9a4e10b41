import http from 'node:http';

export interface RawSse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Everything received so far, as text. */
  text(): string;
  /** Resolves once the received text satisfies `predicate` (or rejects after `timeoutMs`). */
  waitFor(predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  /** Drops the connection, as a closed tab would. */
  close(): void;
}

/** Opens an SSE response with a raw HTTP client, so tests see the exact bytes on the wire. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<RawSse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      let received = '';
      const waiters = new Set<() => void>();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received += chunk;
        for (const w of [...waiters]) w();
      });
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => received,
        ended,
        close: () => req.destroy(),
        waitFor(predicate, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const check = () => {
              if (!predicate(received)) return;
              clearTimeout(timer);
              waiters.delete(check);
              ok(received);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`timed out; received so far: ${JSON.stringify(received.slice(-500))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
      });
    });
    req.on('error', reject);
  });
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. For asserting eventual state without fixed sleeps. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
