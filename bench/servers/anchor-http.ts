/**
 * How a wrapper talks to its anchor: plain HTTP/1.1 on one kept-alive
 * connection, one request at a time, so published events reach the anchor in
 * the order they were sent and no connection is opened per event.
 */
import http from 'node:http';

export interface AnchorResponse {
  status: number;
  body: string;
}

export class AnchorHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  request(method: string, path: string, options: { body?: string; accept?: string; timeoutMs?: number } = {}): Promise<AnchorResponse> {
    const { body, accept, timeoutMs = 30_000 } = options;
    const headers: http.OutgoingHttpHeaders = {};
    if (accept) headers.accept = accept;
    if (body !== undefined) {
      headers['content-type'] = 'text/plain';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A request that must succeed (2xx); anything else is an error with the anchor's answer. */
  async ok(method: string, path: string, options?: { body?: string; accept?: string; timeoutMs?: number }): Promise<string> {
    const res = await this.request(method, path, options);
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: ${res.status} ${res.body.trim().slice(0, 200)}`);
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
