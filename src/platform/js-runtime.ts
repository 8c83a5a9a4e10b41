import cluster from 'node:cluster';

/** The JavaScript runtime the app runs on. */
export type JsRuntime = 'node' | 'deno' | 'bun';

/**
 * Told apart by their own globals: Deno and Bun both also provide `process`
 * (their Node layers), so `process` alone says nothing.
 */
export function currentRuntime(): JsRuntime {
  const scope = globalThis as { Deno?: unknown; Bun?: unknown };
  if (scope.Bun !== undefined) return 'bun';
  if (scope.Deno !== undefined) return 'deno';
  return 'node';
}

/**
 * Whether this process is a `node:cluster` worker: its port is shared through
 * Node's server (the primary hands it over), which Deno's and Bun's Node
 * layers implement too; their own servers would find the port taken.
 */
export function inClusterWorker(): boolean {
  return cluster.isWorker;
}
