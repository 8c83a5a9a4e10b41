// Child processes the harness starts: fork with IPC, pin to a CPU with taskset,
// request/response over IPC with timeouts, and a registry so that every child
// is killed on exit, on a signal or on a crash of the runner.
import { fork, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const children = new Set();
// Processes a child started and handed over (an anchor's nginx or Go hub):
// pid -> start time, so that a pid reused after they exit is never killed;
// and the temporary directories they use.
const adopted = new Map();
const adoptedDirs = new Set();
let nextId = 1;
let hasTaskset = null;

export function tasksetAvailable() {
  if (hasTaskset === null) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      hasTaskset = true;
    } catch {
      hasTaskset = false;
    }
  }
  return hasTaskset;
}

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined once it is gone. */
function startTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function killAdopted(pids, dirs) {
  for (const pid of pids) {
    const start = adopted.get(pid);
    adopted.delete(pid);
    if (start === undefined || startTime(pid) !== start) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  for (const dir of dirs) {
    adoptedDirs.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pins a process (by pid) to one CPU; a no-op where taskset is missing or there is one CPU. */
export function pin(pid, cpu) {
  if (cpu === undefined || !tasksetAvailable()) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Forks `file` with IPC and returns a handle with rpc(), exited and kill().
 * `execPath` runs it under another runtime that speaks Node's IPC channel
 * (Deno: `execArgv: ['run', '-A']`; Bun); see lib/runtime-bin.mjs.
 */
export function spawnChild(file, { args = [], execArgv = [], execPath, env = {}, cpu, label = file } = {}) {
  const child = fork(file, args, { execArgv, execPath, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.add(child);
  const pending = new Map();
  const listeners = new Set();
  const ownPids = [];
  const ownDirs = [];
  let stderr = '';
  child.stdout.on('data', () => {});
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      for (const [, p] of pending) p.reject(new Error(`${label} exited (${signal ?? code}) ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      pending.clear();
      resolve({ code, signal });
    }),
  );
  child.on('message', (m) => {
    if (m && m.id !== undefined && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) p.reject(new Error(`${label}: ${m.error}`));
      else p.resolve(m);
    } else for (const l of listeners) l(m);
  });
  if (child.pid) pin(child.pid, cpu);
  const handle = {
    child,
    label,
    exited,
    get stderr() {
      return stderr;
    },
    onMessage(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Reserves an id whose reply is awaited separately (for two-step commands). */
    expect(timeoutMs) {
      const id = nextId++;
      const promise = new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${label}: no reply in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
      });
      return { id, promise };
    },
    rpc(msg, timeoutMs = 10_000) {
      const { id, promise } = handle.expect(timeoutMs);
      try {
        child.send({ ...msg, id });
      } catch (e) {
        pending.get(id)?.reject(e);
      }
      return promise;
    },
    /**
     * Takes responsibility for processes the child started (an anchor) and
     * their temporary directories: they are killed and removed with it, if
     * it has not done so itself.
     */
    adopt(pids, dirs = []) {
      for (const pid of pids) {
        const start = startTime(pid);
        if (start === undefined) continue;
        adopted.set(pid, start);
        ownPids.push(pid);
      }
      for (const dir of dirs) {
        adoptedDirs.add(dir);
        ownDirs.push(dir);
      }
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => {
          try {
            child.kill('SIGKILL');
          } catch {}
        }, 2000);
        await exited;
        clearTimeout(t);
      }
      killAdopted(ownPids, ownDirs);
    },
  };
  return handle;
}

/** Waits for a message matching `pred`, or rejects after `timeoutMs` or when the child exits. */
export function waitFor(handle, pred, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${handle.label}: not ready in ${timeoutMs} ms. ${handle.stderr.trim().split('\n').slice(-3).join(' | ')}`));
    }, timeoutMs);
    const off = handle.onMessage((m) => {
      if (pred(m)) {
        clearTimeout(timer);
        off();
        resolve(m);
      }
    });
    handle.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      off();
      reject(new Error(`${handle.label} exited (${signal ?? code}) before it was ready: ${handle.stderr.trim().split('\n').slice(-4).join(' | ')}`));
    });
  });
}

export function killAllSync() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {}
  }
  children.clear();
  killAdopted([...adopted.keys()], [...adoptedDirs]);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killAllSync();
    process.exit(130);
  });
}
process.on('exit', killAllSync);
process.on('uncaughtException', (e) => {
  console.error(e);
  killAllSync();
  process.exit(1);
});
process.on('unhandledRejection', (e) => {
  console.error(e);
  killAllSync();
  process.exit(1);
});

/** Runs a script's `main` (resolving to its exit code), then kills every child it left and exits with that code (1 on a throw). */
export function runMain(main) {
  main().then(
    (code) => {
      killAllSync();
      process.exit(code);
    },
    (e) => {
      console.error(e);
      killAllSync();
      process.exit(1);
    },
  );
}

/** Bounds a whole run: past `minutes`, every child is killed and the process exits with 3. */
export function boundRun(minutes) {
  const budgetMs = minutes * 60_000;
  const deadline = setTimeout(() => {
    console.error(`bench: over the ${minutes} min budget, aborting`);
    killAllSync();
    process.exit(3);
  }, budgetMs);
  deadline.unref();
}

/** What the build could not compile, by server (written by build.mjs), so a run reports it instead of failing on it. */
export function readBuildErrors() {
  return existsSync('build/build-errors.json') ? JSON.parse(readFileSync('build/build-errors.json', 'utf8')) : {};
}
