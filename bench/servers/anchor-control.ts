/**
 * The control side of an anchor's wrapper: the same IPC commands as
 * control.ts, answered for a server that is not this Node process.
 *
 *   mem        -> RSS of the anchor's process tree (nginx master + workers, or
 *                 the Go hub), after the anchor's own collection if it has one;
 *                 never the wrapper's
 *   lag        -> nulls: there is no Node event loop to measure
 *   publish    -> `count` events, each one HTTP POST to the anchor, the next
 *                 sent when the previous is answered; the data is the same
 *                 `t=<hrtime> b=<batch> s=<seq>` as every other server's
 *   clients    -> the anchor's own subscriber count
 *
 * `ready` carries the anchor's pids and temporary directories: the runner pins
 * the processes to the server CPU, and kills them and removes the directories
 * itself if this wrapper cannot (it is killed outright on SIGINT).
 */
import type { AnchorProcess } from './anchor-process.js';
import { eventData } from './event-data.js';

export interface Anchor {
  readonly process: AnchorProcess;
  readonly port: number;
  /** Temporary directories of the anchor's (nginx's prefix), removed by the runner if this wrapper cannot. */
  readonly dirs?: string[];
  /** Sends one event whose data is exactly `data`; resolves once the anchor has accepted it. */
  publish(data: string): Promise<void>;
  clients(): Promise<number>;
  /** Runs before the RSS is read: the counterpart of the two full GCs in a Node server. */
  collect?(): Promise<void>;
  /** Stops the anchor and lets go of the connection to it. */
  close(): Promise<void>;
}

function reply(id: unknown, body: Record<string, unknown>): void {
  process.send?.({ id, ...body });
}

async function publishBurst(anchor: Anchor, batch: number, count: number): Promise<Record<string, unknown>> {
  const started = process.hrtime.bigint();
  for (let seq = 0; seq < count; seq++) await anchor.publish(eventData(batch, seq));
  return { startedAt: String(started), publishMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function answer(anchor: Anchor, m: any): Promise<Record<string, unknown>> {
  switch (m?.cmd) {
    case 'mem': {
      await anchor.collect?.();
      const { rss, parts } = anchor.process.rss();
      return { rss, parts, heapUsed: null, gc: !!anchor.collect };
    }
    case 'lag-reset':
      return {};
    case 'lag':
      return { p50: null, p99: null, max: null };
    case 'clients':
      return { clients: await anchor.clients() };
    case 'publish':
      return publishBurst(anchor, m.batch, m.count);
    default:
      return { error: `unknown command ${m?.cmd}` };
  }
}

/**
 * Starts the anchor and serves the control channel; if it cannot start, says
 * why in one line on stderr (the runner shows the last lines) and exits 1.
 */
export function runAnchor(name: string, start: () => Promise<Anchor>): void {
  start().then(
    (anchor) => anchorControl(name, anchor),
    (error) => {
      console.error(`${name}: ${(error as Error)?.message ?? error}`);
      process.exit(1);
    },
  );
}

/** Wires the IPC channel to the anchor, ties the anchor's life to this process and announces `ready`. */
function anchorControl(name: string, anchor: Anchor): void {
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await anchor.close();
    process.exit(code);
  };
  anchor.process.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`${name}: the anchor exited (${signal ?? code}): ${anchor.process.tail()}`);
    process.exit(1);
  });
  process.on('exit', () => anchor.process.stopSync());
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(130));
  if (!process.send) {
    console.log(`${name} listening on ${anchor.port} (no IPC channel: control disabled; Ctrl-C stops it)`);
    return;
  }
  process.on('disconnect', () => stop(0));
  process.on('message', (m: any) => {
    if (m?.cmd === 'exit') {
      stop(0);
      return;
    }
    answer(anchor, m).then(
      (body) => reply(m?.id, body),
      (error) => reply(m?.id, { error: String((error as Error)?.message ?? error) }),
    );
  });
  process.send({ type: 'ready', name, port: anchor.port, pids: anchor.process.pids(), dirs: anchor.dirs ?? [] });
}

/** Where the anchor listens: the same variables the Node servers read. */
export const HOST = process.env.HOST ?? '127.0.0.1';
