/**
 * Anchor: a Go SSE hub (anchors/go-hub/main.go: net/http, a goroutine and a
 * buffered channel per subscriber). This wrapper runs the binary the runner
 * built, with GOMAXPROCS=1 unless told otherwise, and drives it over HTTP:
 * POST /publish, GET /stats, and POST /gc before the RSS is read.
 *
 * Environment (the runner sets the first, see lib/anchors.mjs):
 *   GO_HUB_BIN         the built binary
 *   GO_HUB_MAXPROCS    GOMAXPROCS, 1 unless set
 */
import { createInterface } from 'node:readline';
import { type Anchor, HOST, runAnchor } from './anchor-control.js';
import { AnchorHttp } from './anchor-http.js';
import { AnchorProcess } from './anchor-process.js';

/** The hub prints "listening on HOST:PORT" once it listens on the port the kernel gave it. */
function listeningPort(proc: AnchorProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.child.stdout! });
    const timer = setTimeout(() => reject(new Error(`the Go hub did not listen in ${timeoutMs} ms: ${proc.tail()}`)), timeoutMs);
    lines.on('line', (line) => {
      const m = /^listening on .*:(\d+)$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(Number(m[1]));
    });
    proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the Go hub exited (${signal ?? code}) before it listened: ${proc.tail()}`));
    });
  });
}

async function start(): Promise<Anchor> {
  const bin = process.env.GO_HUB_BIN;
  if (!bin) throw new Error('GO_HUB_BIN is not set: the runner builds the Go hub and passes its path');
  // stdin is a pipe this process holds: the hub exits when it closes, even if
  // this wrapper is killed outright.
  const proc = new AnchorProcess('go-hub', bin, ['-addr', `${HOST}:0`, '-exit-on-stdin-eof'], {
    env: { ...process.env, GOMAXPROCS: process.env.GO_HUB_MAXPROCS ?? '1' },
    stdin: 'pipe',
  });
  const port = await listeningPort(proc, 10_000);
  const http = new AnchorHttp(HOST, port);
  return {
    process: proc,
    port,
    async publish(data) {
      await http.ok('POST', '/publish', { body: data });
    },
    async clients() {
      return Number(JSON.parse(await http.ok('GET', '/stats')).clients);
    },
    async collect() {
      await http.ok('POST', '/gc');
    },
    async close() {
      http.close();
      await proc.stop();
    },
  };
}

runAnchor('go-hub', start);
