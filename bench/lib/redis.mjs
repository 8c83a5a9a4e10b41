// The Redis a scenario runs on, found as the tests find theirs: REDIS_URL, else
// 127.0.0.1:6379, else (or when asked) a redis-server of its own on a free port,
// if one is on PATH, stopped when the run ends. Also Redis's own CPU use, from INFO cpu.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './ports.mjs';

/** A connected client, or undefined when nothing answers at `url`. */
async function tryConnect(url) {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => {}); // each command fails on its own
  try {
    await client.connect();
    if ((await client.ping()) === 'PONG') return client;
  } catch {}
  client.disconnect();
  return undefined;
}

/**
 * { url, client, own, stop() }: `own` when this run started the redis-server
 * itself, which `ownServer` asks for at once (then Redis's CPU is this run's alone).
 */
export async function benchRedis({ ownServer = false } = {}) {
  for (const url of ownServer ? [] : [process.env.REDIS_URL, 'redis://127.0.0.1:6379']) {
    if (!url) continue;
    const client = await tryConnect(url);
    if (client) return { url, client, own: false, stop: () => client.disconnect() };
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let failure;
  child.on('error', (e) => {
    failure = e;
  });
  const kill = () => child.kill('SIGKILL');
  process.on('exit', kill);
  const url = `redis://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 5_000; Date.now() < deadline && !failure; await sleep(100)) {
    const client = await tryConnect(url);
    if (client)
      return {
        url,
        client,
        own: true,
        stop: () => {
          client.disconnect();
          kill();
          process.off('exit', kill);
        },
      };
  }
  kill();
  throw new Error(
    `no Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server (${failure ? failure.message : `redis-server did not answer on port ${port}`})`,
  );
}

/** Redis's own CPU time so far, in ms (user + system, every thread), from INFO cpu. */
export async function redisCpuMs(client) {
  const info = await client.info('cpu');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e3;
}
