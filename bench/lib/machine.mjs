import os from 'node:os';

/** The machine a run's figures come from, as its report heads them. */
export function machineInfo(pinned) {
  return {
    // Every CPU of the machine: availableParallelism() would count only those this process may use, one once the runner is pinned.
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    pinned,
  };
}
