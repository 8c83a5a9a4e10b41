import { isRunning, killProcess } from './kill-process.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Redis } from 'ioredis';

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A redis-server of our own on a free port: for tests that stop and restart it. */
export class PrivateRedis {
  private process: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    /** With a directory: every write is on disk before Redis acknowledges it (appendfsync always), so a kill loses nothing acknowledged. */
    private readonly durableDir?: string,
  ) {}

  /**
   * `durable`: Redis without persistence forgets, on a kill, writes it has
   * already acknowledged; a test that says "nothing acknowledged is lost"
   * across a kill needs the writes to be durable first.
   */
  static async start(options: { durable?: boolean } = {}): Promise<PrivateRedis> {
    const dir = options.durable ? mkdtempSync(join(tmpdir(), 'streamnest-redis-')) : undefined;
    if (dir) process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const redis = new PrivateRedis(await freePort(), dir);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const persistence = this.durableDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.durableDir] : ['--appendonly', 'no'];
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    let failure: Error | undefined;
    this.process.on('error', (error) => {
      failure = error;
    });
    const deadline = Date.now() + 10_000;
    while (!(await answers(this.url))) {
      if (failure) throw new Error(`could not run redis-server (${failure.message}): install it with apt-get install -y redis-server`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Lets the test process exit while this server runs, and stops the server when it does. */
  detach(): void {
    const child = this.process;
    child?.unref();
    process.once('exit', () => child?.kill('SIGKILL'));
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a hung Redis. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    if (this.running) this.process!.kill('SIGCONT');
  }

  private get running(): boolean {
    return isRunning(this.process);
  }

  async stop(): Promise<void> {
    await killProcess(this.process);
  }
}

let shared: Promise<string> | undefined;

/**
 * The Redis the tests use: REDIS_URL, else 127.0.0.1:6379, else a redis-server
 * started on a free port if one is on PATH; otherwise a clear failure.
 */
export function redisUrl(): Promise<string> {
  shared ??= (async () => {
    for (const url of [process.env.REDIS_URL, 'redis://127.0.0.1:6379']) {
      if (url && (await answers(url))) return url;
    }
    try {
      const own = await PrivateRedis.start();
      own.detach();
      return own.url;
    } catch {
      throw new Error('These tests need Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server (apt-get install -y redis-server).');
    }
  })();
  return shared;
}

/**
 * Every command Redis runs, as MONITOR reports it, on a plain socket: the
 * arguments of each (the command name first) go to `onCommand`. Not ioredis's
 * `monitor()`, which under Bun once took a MONITOR line that came with its
 * `+OK` as the reply to a command it never sent, and threw ("Command queue
 * state error") when other tests kept a shared Redis busy. Resolves, once
 * MONITOR is on, with the function that stops it.
 */
export async function monitorCommands(url: string, onCommand: (args: string[]) => void): Promise<() => void> {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port || 6379) });
  socket.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  let pending = '';
  let on: () => void;
  const started = new Promise<void>((resolve) => {
    on = resolve;
  });
  socket.on('data', (text: string) => {
    pending += text;
    let end = pending.indexOf('\r\n');
    while (end !== -1) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (line === '+OK') on();
      // +<time> [<db> <client>] "command" "arg" …, each argument quoted with backslash escapes.
      else if (line.startsWith('+')) onCommand([...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1')));
      end = pending.indexOf('\r\n');
    }
  });
  socket.write('MONITOR\r\n');
  await started;
  return () => socket.destroy();
}
