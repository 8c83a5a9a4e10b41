/**
 * The control side of every server under test. The runner forks the server
 * with an IPC channel and drives it with messages, so no framework has to
 * expose an extra HTTP route for publishing, GC or stats:
 *
 *   { id, cmd: 'mem' }                      -> { rss, heapUsed } after two full GCs
 *   { id, cmd: 'lag-reset' } / { cmd: 'lag' } -> event-loop delay p50/p99/max in ms
 *   { id, cmd: 'publish', batch, count }    -> broadcasts `count` events, one per
 *                                              event-loop turn (setImmediate), each
 *                                              carrying process.hrtime.bigint()
 *   { id, cmd: 'clients' }                  -> the server's own subscriber count
 *   { id, cmd: 'cpu' }                      -> its CPU time so far (user + system), in ms
 *   { id, cmd: 'clock' }                    -> { t }: its process.hrtime.bigint() now
 *   { id, cmd: 'clock-offset', offset }     -> adds `offset` ns to every published stamp
 *
 * The same file runs under Node, Deno and Bun (their Node compatibility:
 * child_process IPC, process.memoryUsage, process.cpuUsage, perf_hooks). What
 * differs: loop delay on Deno comes from a timer (see timerLag); a full GC is `gc()` on V8 (`--expose-gc`; Deno
 * `--v8-flags=--expose-gc`) and `Bun.gc(true)` on Bun; and `process.hrtime`
 * counts from boot on Node but from process start on Deno and Bun, so the
 * runner measures the offset with `clock` and sets it with `clock-offset`
 * (lib/clock.mjs), putting every stamp on the generator's clock.
 *
 * A server may add commands of its own (`commands`), each answering with an
 * object (or a promise of one); a throw or rejection is replied as `error`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { clockNow, eventData, setClockOffset } from './event-data.js';

export interface Broadcaster {
  /** Sends one event whose `data` is exactly `data` (a plain ASCII string) to every subscriber. */
  publish(data: string): void;
  /** How many subscribers the server holds right now. */
  clients(): number;
}

/** Two full collections, whatever the runtime; false if none is exposed. */
function fullGc(): boolean {
  const g = globalThis as any;
  if (typeof g.gc === 'function') {
    g.gc();
    g.gc();
    return true;
  }
  if (typeof g.Bun?.gc === 'function') {
    g.Bun.gc(true);
    g.Bun.gc(true);
    return true;
  }
  return false;
}

/** Which runtime runs this server: 'node', 'deno' or 'bun', with its version. */
export function runtime(): { runtime: string; version: string } {
  const g = globalThis as any;
  if (g.Bun) return { runtime: 'bun', version: g.Bun.version };
  if (g.Deno) return { runtime: 'deno', version: g.Deno.version.deno };
  return { runtime: 'node', version: process.versions.node };
}

/**
 * Where a server listens and on what: a node:http server (Node's own, or Deno's
 * and Bun's compatibility server), `Deno.serve`'s HttpServer (`addr.port`),
 * `Bun.serve`'s Server (`port`), or an explicit `{ port, kind }`.
 */
export function listening(server: any): { port: number; kind: string } {
  if (typeof server?.kind === 'string' && typeof server.port === 'number') return server;
  if (typeof server?.address === 'function') return { port: server.address().port, kind: 'node:http' };
  if (typeof server?.addr?.port === 'number') return { port: server.addr.port, kind: 'Deno.serve' };
  if (typeof server?.port === 'number') return { port: server.port, kind: 'Bun.serve' };
  throw new Error(`cannot tell the port of ${Object.prototype.toString.call(server)}`);
}

/** Event-loop delay: percentiles in nanoseconds since the last reset. */
interface LagMonitor {
  reset(): void;
  percentile(p: number): number;
  readonly max: number;
}

/**
 * A timer that asks to run every 10 ms and records how late it ran: what
 * monitorEventLoopDelay does inside libuv, in JavaScript. Deno's
 * monitorEventLoopDelay does not see a blocked loop (50 ms of busy work read
 * as 0.03 ms), so Deno uses this one; Node and Bun use their own.
 */
function timerLag(resolutionMs = 10): LagMonitor {
  let samples: number[] = [];
  let due = performance.now() + resolutionMs;
  const tick = () => {
    const now = performance.now();
    samples.push(Math.max(0, now - due) * 1e6);
    if (samples.length > 100_000) samples = samples.slice(-50_000);
    due = now + resolutionMs;
    setTimeout(tick, resolutionMs);
  };
  setTimeout(tick, resolutionMs);
  const sorted = () => [...samples].sort((a, b) => a - b);
  return {
    reset: () => {
      samples = [];
    },
    percentile(p) {
      const v = sorted();
      return v.length ? v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)] : 0;
    },
    get max() {
      return samples.reduce((a, b) => Math.max(a, b), 0);
    },
  };
}

function nodeLag(): LagMonitor {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return h;
}

const lag: LagMonitor = (globalThis as any).Deno ? timerLag() : nodeLag();

function reply(id: unknown, body: Record<string, unknown>): void {
  process.send?.({ id, ...body });
}

/** A server's own command: takes the message, answers with the reply's fields. */
export type Command = (message: any) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** Wires the IPC control channel to the server's broadcaster and announces `ready`. */
export function control(name: string, server: unknown, b: Broadcaster, commands: Record<string, Command> = {}): void {
  const { port, kind } = listening(server);
  if (!process.send) {
    console.log(`${name} listening on ${port} (no IPC channel: control disabled)`);
    return;
  }
  process.on('message', (m: any) => {
    const own = Object.hasOwn(commands, m?.cmd) ? commands[m.cmd] : undefined;
    if (own) {
      Promise.resolve()
        .then(() => own(m))
        .then(
          (body) => reply(m.id, body),
          (error) => reply(m.id, { error: String((error as Error)?.stack ?? error) }),
        );
      return;
    }
    switch (m?.cmd) {
      case 'mem': {
        const gc = fullGc();
        const mu = process.memoryUsage();
        reply(m.id, { rss: mu.rss, heapUsed: mu.heapUsed, gc });
        break;
      }
      case 'lag-reset':
        lag.reset();
        reply(m.id, {});
        break;
      case 'lag':
        reply(m.id, { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 });
        break;
      case 'clients':
        reply(m.id, { clients: b.clients() });
        break;
      case 'cpu': {
        const cpu = process.cpuUsage();
        reply(m.id, { cpuMs: (cpu.user + cpu.system) / 1e3 });
        break;
      }
      case 'clock':
        reply(m.id, { t: String(process.hrtime.bigint()) });
        break;
      case 'clock-offset':
        setClockOffset(BigInt(m.offset));
        reply(m.id, {});
        break;
      case 'publish': {
        const count: number = m.count;
        const batch: number = m.batch;
        let seq = 0;
        const started = clockNow();
        const step = () => {
          try {
            b.publish(eventData(batch, seq));
          } catch (error) {
            reply(m.id, { error: String((error as Error)?.stack ?? error) });
            return;
          }
          seq++;
          if (seq < count) setImmediate(step);
          else reply(m.id, { startedAt: String(started), publishMs: Number(clockNow() - started) / 1e6 });
        };
        step();
        break;
      }
      // biome-ignore lint/suspicious/noFallthroughSwitchClause: process.exit() does not return
      case 'exit':
        process.exit(0);
      default:
        reply(m?.id, { error: `unknown command ${m?.cmd}` });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', name, port, server: kind, ...runtime() });
}

/** 0 (the default) lets the kernel pick a free port; the real one is sent with `ready`. */
export const PORT = Number(process.env.PORT ?? 0);
export const HOST = process.env.HOST ?? '127.0.0.1';
