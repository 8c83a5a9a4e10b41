/**
 * An anchor's own process (nginx, the Go hub), started by its Node wrapper.
 * The harness measures the anchor, not the wrapper, so this reads the process
 * tree (nginx's master and its workers) and its RSS from /proc, and makes sure
 * nothing outlives the wrapper: a graceful stop on SIGTERM, SIGKILL to every
 * process of the tree on any other way out.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat from the state on (index 1 is the parent pid,
 * index 19 the start time), or undefined once the process is gone. The command
 * name before them may hold spaces or parentheses, hence the last ')'.
 */
function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** VmRSS of one process in bytes, or 0 once it has exited. */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export class AnchorProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderrTail = '';

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore' } = {},
  ) {
    this.child = spawn(command, args, { env: options.env ?? process.env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    // A spawn failure (ENOENT) surfaces as 'error' and then 'exit'; keep its reason.
    this.child.once('error', (e) => {
      this.stderrTail += `${e.message}\n`;
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      // Kept for error messages, and passed on: the harness keeps its child's stderr tail.
      this.stderrTail = (this.stderrTail + d).slice(-4000);
      process.stderr.write(d);
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** The last lines the anchor wrote to stderr, for error messages. */
  tail(lines = 3): string {
    return this.stderrTail.trim().split('\n').slice(-lines).join(' | ');
  }

  /** The anchor's process and every descendant (nginx's workers), found through /proc. */
  pids(): number[] {
    const root = this.child.pid;
    if (root === undefined || !this.running) return [];
    const byParent = new Map<number, number[]>();
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const fields = statOf(pid);
      if (fields === undefined) continue;
      const parent = Number(fields[1]);
      const list = byParent.get(parent);
      if (list) list.push(pid);
      else byParent.set(parent, [pid]);
    }
    const out = [root];
    for (let i = 0; i < out.length; i++) out.push(...(byParent.get(out[i]) ?? []));
    return out;
  }

  /** RSS of the whole tree: the sum of each process's VmRSS, with the parts. */
  rss(): { rss: number; parts: { pid: number; rss: number }[] } {
    const parts = this.pids().map((pid) => ({ pid, rss: rssOf(pid) }));
    return { rss: parts.reduce((n, p) => n + p.rss, 0), parts };
  }

  /** SIGTERM (both nginx and Go stop at once on it), then SIGKILL to whatever is left after `graceMs`. */
  async stop(graceMs = 1500): Promise<void> {
    const tree = this.snapshot();
    if (tree.length === 0) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => killAll(tree), graceMs);
    await this.exited;
    clearTimeout(timer);
    // A worker whose master was killed would keep serving: make sure it is gone too.
    killAll(tree);
  }

  /** For exit paths that cannot wait (the runner went away). */
  stopSync(): void {
    killAll(this.snapshot());
  }

  /** Each pid of the tree with its start time, so that a pid reused meanwhile is never killed. */
  private snapshot(): { pid: number; start: string }[] {
    return this.pids().map((pid) => ({ pid, start: statOf(pid)?.[19] ?? '' }));
  }
}

function killAll(tree: { pid: number; start: string }[]): void {
  for (const { pid, start } of tree) {
    if (statOf(pid)?.[19] !== start) continue; // exited (and perhaps reused)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}
