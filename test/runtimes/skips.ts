// What the Deno and Bun runs of the suite leave out, and why: the one list.
// scripts/run-tests.mjs runs test/core, test/sse and test/hub under each runtime on the
// runtime's own server (Deno.serve / Bun.serve, the default engine), and a smaller pass
// on Node's server through the runtime's Node layer (STREAMNEST_ENGINE=node). It leaves
// out the files below and prints every entry of this list with its reason; a test listed
// below passes `runtimeSkip(id)` as its options, so under that runtime and engine
// node:test skips it (and under Node, or another runtime or engine, it runs).
//
// Keys: `deno` / `bun` for Node's server under that runtime, `deno:web` / `bun:web` for
// the runtime's own server.

/** The runtime this process is, as the lists below name it. */
export type Runtime = 'node' | 'deno' | 'bun';

export const RUNTIME: Runtime = process.versions.bun !== undefined ? 'bun' : process.versions.deno !== undefined ? 'deno' : 'node';

/** The server the app runs on in this process: STREAMNEST_ENGINE 'node' is Node's, unset, 'auto' or 'web' the runtime's own. */
export type Engine = 'node' | 'web';

export const ENGINE: Engine = process.env.STREAMNEST_ENGINE === 'node' ? 'node' : 'web';

/** A runtime and engine as the lists below name them: `deno` (Node's server under Deno) or `deno:web` (Deno.serve). */
export type SkipKey = 'deno' | 'bun' | 'deno:web' | 'bun:web';

/** The key of a runtime and engine (Node itself has no key: nothing is skipped there). */
export function skipKey(runtime: Exclude<Runtime, 'node'>, engine: Engine): SkipKey {
  return engine === 'node' ? runtime : `${runtime}:web`;
}

type Reasons = Partial<Record<SkipKey, string>>;

/** Whole files a runtime does not run, by path under test/ without the extension. */
export const FILE_SKIPS: Record<string, Reasons> = {};

const BUN_SOCKET_BACKLOG =
  "Bun's node:http reports a writableLength of 0 on the response's socket whatever is queued, so the per-session unsent-bytes " +
  'limit never sees the backlog and a reader that never reads is not dropped (Bun holds the bytes); a gap of the compatibility server';
const BUN_TIMERS = "Bun's process.getActiveResourcesInfo() lists no timers, which the test counts";
const RUNTIME_CONNECTION =
  'the runtime sets the Connection header itself (Deno.serve sends close, Bun.serve none), and the test asserts Connection: keep-alive';
const BUN_OPENING =
  "Bun.serve sends a streamed response's head only with its first bytes, so a quiet stream starts with ':\\n' (src/http/web); the test checks the exact bytes";
const NODE_SERVER_ONLY = "Node's server only: the test uses getHttpServer() as a listening http.Server with .address(), which the runtime's own server is not";
const RUNTIME_CLOSE_HEADER = 'the test asserts Connection: close, which the runtime owns on its own server';

/** Single tests, by an id that each names (see `runtimeSkip`). */
export const TEST_SKIPS = {
  'hub: a slow subscriber is dropped without delaying the others': { bun: BUN_SOCKET_BACKLOG },
  'memory hub: a slow subscriber is dropped without delaying the others': {
    deno:
      'publishing in a loop in the same process as both clients, the fast client is dropped too (2 drops, not 1): under Deno ' +
      'the loop outruns the in-process reader; the limit itself is proven by sse/backpressure, and the Redis and NATS hubs pass this test on Deno',
    bun: BUN_SOCKET_BACKLOG,
  },
  'sse: a reader that never reads is dropped past the unsent-bytes limit': { bun: BUN_SOCKET_BACKLOG },
  'sse: connections opened and dropped leave no timers behind': { bun: BUN_TIMERS, 'bun:web': BUN_TIMERS },
  'hub: a stream that closes before its authorization expires leaves no timer': { bun: BUN_TIMERS, 'bun:web': BUN_TIMERS },
  'hub: a stream that closes before its token expires leaves no timer': { bun: BUN_TIMERS, 'bun:web': BUN_TIMERS },
  'core: a throwing StreamableFile error handler cuts the response': {
    bun: "Bun's ServerResponse.destroy() before the headers are sent answers 200 with an empty body instead of cutting the connection, so the client's fetch does not fail",
  },
  'sse: the per-client /sse2 endpoint is exact on the wire': { 'deno:web': RUNTIME_CONNECTION, 'bun:web': RUNTIME_CONNECTION },
  'sse: HTTP/1.1 over TLS still works on the same port as HTTP/2': { 'deno:web': RUNTIME_CONNECTION },
  'sse: SSE lifecycle over real HTTP': { 'bun:web': BUN_OPENING },
  'sse: a loop writing to every stream shares equal bytes': { 'bun:web': BUN_OPENING },
  "sse: app-wide heartbeats at the app's interval": { 'bun:web': BUN_OPENING },
  'sse: app.close() ends every stream with a retry hint': { 'bun:web': BUN_OPENING },
  "sse: a stream written past its route's limit before it is returned is dropped": {
    'bun:web': 'Bun.serve cuts a response cancelled before any bytes without sending its head, so the client gets ECONNRESET instead of headers then an end',
  },
  'core: NestFactory.create + listen(port) on all interfaces': { 'deno:web': NODE_SERVER_ONLY, 'bun:web': NODE_SERVER_ONLY },
  'core: listen() on a port in use rejects with the system error': { 'deno:web': NODE_SERVER_ONLY, 'bun:web': NODE_SERVER_ONLY },
  'core: listen({ port, hostname }) binds that address': { 'deno:web': NODE_SERVER_ONLY, 'bun:web': NODE_SERVER_ONLY },
  'core: close() cuts requests still running after shutdownTimeout': {
    'deno:web': 'Deno.serve cannot cut a request before its response head, so close() waits for the handler instead of cutting it',
  },
  'core: app.getHttpAdapter() and HttpAdapterHost know the server': {
    'deno:web': "after a listen() on the runtime's own server the adapter holds that server, not a Node http.Server",
    'bun:web': "after a listen() on the runtime's own server the adapter holds that server, not a Node http.Server",
  },
  "core: the server's objects are still Node's own classes underneath": {
    'deno:web': "hangs: the test waits for the Node server's request event, which the runtime's own server never emits",
    'bun:web': "hangs: the test waits for the Node server's request event, which the runtime's own server never emits",
  },
  'core: a Node Readable and a web ReadableStream are streamed': {
    'bun:web': 'Bun.serve chooses the framing itself (Content-Length for a stream already complete), and the test asserts chunked',
  },
  'core: FileInterceptor: no body, or a body that is not multipart': { 'deno:web': RUNTIME_CLOSE_HEADER, 'bun:web': RUNTIME_CLOSE_HEADER },
} satisfies Record<string, Reasons>;

export type SkippedTest = keyof typeof TEST_SKIPS;

/** The options for a listed test: `{ skip: reason }` under a runtime the list names for it, `{}` elsewhere. */
export function runtimeSkip(id: SkippedTest): { skip?: string } {
  if (RUNTIME === 'node') return {};
  const key = skipKey(RUNTIME, ENGINE);
  const reason = (TEST_SKIPS[id] as Reasons)[key];
  return reason === undefined ? {} : { skip: `${key}: ${reason}` };
}
