import type { ChildProcess } from 'node:child_process';

/** True while the child has neither exited nor been killed. */
export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** SIGKILL, as a crash: no goodbye to clients. Resolves once the process has exited. */
export async function killProcess(child: ChildProcess | undefined): Promise<void> {
  if (!isRunning(child)) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
