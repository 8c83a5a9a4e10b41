// Child processes the harness starts: fork with IPC, pin to a CPU with taskset,
// request/response over IPC with timeouts, and a registry so that every child
// is killed on exit, on a signal or on a crash of the runner.
import { fork, execFileSync } from 'node:child_process';

const children = new Set();
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

/** Forks `file` with IPC and returns a handle with rpc(), exited and kill(). */
export function spawnChild(file, { args = [], execArgv = [], env = {}, cpu, label = file } = {}) {
  const child = fork(file, args, { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.add(child);
  const pending = new Map();
  const listeners = new Set();
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
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => {
        try {
          child.kill('SIGKILL');
        } catch {}
      }, 2000);
      await exited;
      clearTimeout(t);
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
