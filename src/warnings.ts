/**
 * What the SSE doctor warns about: set-ups that work on a laptop and break
 * event streams in production. Each warning has a stable code (SN_WARN_…),
 * documented in docs/ERRORS.md ("Warnings"), and an app silences one by its
 * code: `NestFactory.create(AppModule, { doctor: { silence: ['SN_WARN_…'] } })`,
 * or all with `doctor: false`. All of them are defined here, as the errors are
 * in errors.ts.
 */

/** One finding of the doctor: its code and what it says, which names the route or option concerned and how to fix it. */
export interface SseWarning {
  code: WarningCode;
  message: string;
}

/** The idle timeout of the most common proxies in front of an app, in ms: nginx's proxy_read_timeout and AWS ALB's default. */
export const PROXY_IDLE_TIMEOUT_MS = 60_000;

function warning<C extends string, D extends (...args: any[]) => string>(code: C, describe: D) {
  return Object.assign((...args: Parameters<D>): SseWarning => ({ code, message: `${code}: ${describe(...args)}` }) as SseWarning, { code });
}

export const Warnings = {
  SSE_COMPRESSION: warning(
    'SN_WARN_SSE_COMPRESSION',
    (middleware: string, route: string) =>
      `middleware ${middleware} declares Content-Encoding on the event stream of ${route}. streamnest writes each event straight to the ` +
      `connection, so the browser gets plain bytes labelled compressed and fails the stream (ERR_CONTENT_DECODING_FAILED); a compressor ` +
      `that did compress would hold events back until its buffer filled. Keep it off SSE routes (its filter, or mount it under the paths ` +
      `that need it), or have it honour Cache-Control: no-transform, which streamnest sends and the compression package respects.`,
  ),
  SSE_HTTP1_ONLY: warning(
    'SN_WARN_SSE_HTTP1_ONLY',
    (server: string, routes: number) =>
      `the server speaks only HTTP/1.1 (${server}) and has ${routes} SSE route${routes === 1 ? '' : 's'}. Browsers open at most 6 HTTP/1.1 ` +
      `connections per origin and each EventSource holds one while it is open, so a user with a few tabs of this app stalls every other ` +
      `request to it. Listen with HTTP/2 (app.listen({ http2: { key, cert } })); if a proxy in front already speaks HTTP/2 to browsers, silence this warning.`,
  ),
  SSE_HEARTBEAT_LONG: warning('SN_WARN_SSE_HEARTBEAT_LONG', (where: string, heartbeat: number | false) =>
    heartbeat === false
      ? `${where} sends no heartbeats (heartbeat: false), so a stream with nothing to say is silent for as long as it likes; proxies and load ` +
        `balancers cut idle connections (nginx proxy_read_timeout and AWS ALB: 60 s by default; Cloudflare: 100 s), and the client reconnects ` +
        `for nothing. Turn heartbeats on (the default is every 15 000 ms).`
      : `${where} sends a heartbeat after ${heartbeat} ms of silence, so a quiet stream can stay silent for up to ${2 * heartbeat} ms (a tick ` +
        `that finds the stream just written to skips its heartbeat): longer than the idle timeouts of common proxies and load balancers (nginx ` +
        `proxy_read_timeout and AWS ALB: 60 s by default; Cloudflare: 100 s), which then cut it. Keep heartbeat at ${PROXY_IDLE_TIMEOUT_MS / 2} ms ` +
        `or less (the default is 15 000).`,
  ),
  SSE_RETRY_LONG: warning(
    'SN_WARN_SSE_RETRY_LONG',
    (retryMax: number, where: string, heartbeat: number) =>
      `on shutdown, clients are told (retry:) to come back after up to ${retryMax} ms (shutdownRetry plus as much again of jitter), longer than ` +
      `the ${heartbeat} ms heartbeat of ${where}. The heartbeat bounds how long a lost stream goes unnoticed; a retry longer than it makes the ` +
      `wait, not the detection, set how long every client misses events after each restart or deploy. Keep shutdownRetry at most half the ` +
      `heartbeat (the default is 1 000 ms).`,
  ),
  SSE_CORS_LAST_EVENT_ID: warning(
    'SN_WARN_SSE_CORS_LAST_EVENT_ID',
    (middleware: string, route: string, allowed: string) =>
      `${middleware} answers a CORS preflight for ${route} without allowing the Last-Event-ID header (Access-Control-Allow-Headers: ${allowed}). ` +
      `A client on another origin that resumes with it (fetch-based EventSource clients, and any browser that preflights it) is refused, so it ` +
      `cannot resume where it stopped. Add 'Last-Event-ID' to allowedHeaders, or use CORS() from streamnest/cors, which always allows it.`,
  ),
  SSE_DASHBOARD_OPEN: warning(
    'SN_WARN_SSE_DASHBOARD_OPEN',
    (path: string) =>
      `the SSE dashboard at ${path} has no guard: anyone who reaches it sees your channels, your clients' addresses and your traffic. ` +
      `Give SseDashboardModule.forRoot() guards: [YourAdminGuard] or an allow(req) function; on a network only operators reach, silence this warning.`,
  ),
} as const;

export type WarningCode = (typeof Warnings)[keyof typeof Warnings]['code'];

/** Every warning code, for checking a `silence` list. */
export const WARNING_CODES: readonly WarningCode[] = Object.values(Warnings).map((w) => w.code);
