// Starts a server under Deno or Bun (the binaries from the npm packages, found by
// scripts/runtimes.mjs) in a process group of its own, and waits until it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository's root: this file runs from build/test/support. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export type RuntimeName = 'deno' | 'bun';

/** `{ path }` of the runtime's binary, or `{ missing }`: why there is none. */
export async function findRuntime(name: RuntimeName): Promise<{ path?: string; missing?: string }> {
  const { runtime } = await import(pathToFileURL(join(ROOT, 'scripts', 'runtimes.mjs')).href);
  return runtime(name);
}

/** A port that was free a moment ago, on 127.0.0.1 (a restart must come back on the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RuntimeServer {
  url: string;
  child: ChildProcess;
  /** What the process printed so far, for a failing assertion's message. */
  output(): string;
  /** Sends `signal` to the whole group and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `binary args…` in `cwd` with PORT (and HOST=127.0.0.1) set, and resolves once
 * GET `probePath` answers. `deno task` and `bun run` start children of their own, so the
 * process is a group leader and `stop` signals the group.
 */
export async function startRuntimeServer(
  binary: string,
  args: string[],
  options: { cwd: string; port: number; probePath?: string; timeoutMs?: number; env?: Record<string, string> },
): Promise<RuntimeServer> {
  const child = spawn(binary, args, {
    cwd: options.cwd,
    env: { ...process.env, PORT: String(options.port), HOST: '127.0.0.1', NO_COLOR: '1', ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {}
    // A server that ignores SIGTERM is killed after 5 s, so a test never hangs on it.
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${binary} ${args.join(' ')} exited with ${child.exitCode} before it answered:\n${output}`);
    try {
      const res = await fetch(url + (options.probePath ?? '/'));
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`${binary} ${args.join(' ')} did not answer on ${url} within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child, output: () => output, stop };
}
