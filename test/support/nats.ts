import { killProcess } from './kill-process.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis.js';

const BINARY = process.env.NATS_SERVER ?? 'nats-server';

/** True when something accepts connections on 127.0.0.1:`port` and greets like NATS. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('INFO ')));
    socket.once('error', () => done(false));
  });
}

/**
 * A nats-server of our own with JetStream on a free port and a temp store
 * directory, kept across restarts (so the stream survives a SIGKILL as it would
 * in production): for tests that kill and restart it.
 */
export class PrivateNats {
  private process: ChildProcess | undefined;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'streamnest-nats-'));
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateNats> {
    const nats = new PrivateNats(await freePort());
    await nats.restart();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.process = spawn(BINARY, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: 'ignore' });
    let failure: Error | undefined;
    this.process.on('error', (error) => {
      failure = error;
    });
    const deadline = Date.now() + 10_000;
    while (!(await answers(this.port))) {
      if (failure) throw new Error(`could not run nats-server (${failure.message}): install it, or set NATS_SERVER to its path`);
      if (Date.now() > deadline) throw new Error(`nats-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL: no goodbye to clients, as with a crash. */
  async stop(): Promise<void> {
    await killProcess(this.process);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  /** Lets the test process exit while this server runs, and stops the server when it does. */
  detach(): void {
    const child = this.process;
    child?.unref();
    process.once('exit', () => {
      child?.kill('SIGKILL');
      rmSync(this.storeDir, { recursive: true, force: true });
    });
  }
}

let shared: Promise<string> | undefined;

/**
 * The NATS the tests use: NATS_URL, else 127.0.0.1:4222, else a nats-server
 * with JetStream started on a free port if one is on PATH (or at NATS_SERVER);
 * otherwise a clear failure.
 */
export function natsUrl(): Promise<string> {
  shared ??= (async () => {
    if (process.env.NATS_URL) return process.env.NATS_URL;
    if (await answers(4222)) return 'nats://127.0.0.1:4222';
    try {
      const own = await PrivateNats.start();
      own.detach();
      return own.url;
    } catch {
      throw new Error('These tests need NATS with JetStream: set NATS_URL, run nats-server -js on 127.0.0.1:4222, or put nats-server on PATH.');
    }
  })();
  return shared;
}
