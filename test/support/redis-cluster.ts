import { isRunning, killProcess } from './kill-process.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis.js';

export interface ClusterNodeAddress {
  host: string;
  port: number;
}

interface NodeLine {
  id: string;
  port: number;
  master: boolean;
  /** For a replica, the id of its master. */
  masterId: string | undefined;
  failed: boolean;
  /** Slot ranges, `[first, last]`. */
  slots: [number, number][];
}

/** Runs one command on one node, over a connection of its own that never retries. */
async function ask(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      return {
        id: id!,
        port: Number(/:(\d+)@/.exec(address!)![1]),
        master: flags!.includes('master'),
        masterId: masterId === '-' ? undefined : masterId,
        failed: /fail/.test(flags!),
        slots: slots.filter((s) => /^\d/.test(s)).map((s) => (s.includes('-') ? (s.split('-').map(Number) as [number, number]) : [Number(s), Number(s)])),
      };
    });
}

/** A port for a cluster node: free, and its cluster bus port (10 000 above) free too. */
async function freeNodePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await bindable(port + 10_000))) return port;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A Redis Cluster of our own: three masters and a replica each, on free
 * ports in a temp directory, without persistence (a graceful failover needs
 * none: the replica catches up before it takes over), and light on a loaded
 * machine: no fsync, no RDB, no AOF. Started once per test file.
 */
export class PrivateRedisCluster {
  private readonly processes = new Map<number, ChildProcess>();
  private spawnFailure: Error | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'streamnest-cluster-'));
  private readonly cleanUp = () => {
    for (const child of this.processes.values()) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  };

  private constructor(readonly ports: number[]) {
    process.once('exit', this.cleanUp);
  }

  static async start(): Promise<PrivateRedisCluster> {
    const ports: number[] = [];
    while (ports.length < 6) {
      const port = await freeNodePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const cluster = new PrivateRedisCluster(ports);
    try {
      await cluster.create();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Where a client starts: every node (ioredis learns the rest from any of them). */
  get nodes(): ClusterNodeAddress[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  private async create(): Promise<void> {
    for (const port of this.ports) this.spawnNode(port);
    for (let i = 0; i < this.ports.length; i++) await this.nodeUp(i);
    const create = spawn('redis-cli', ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    create.stdout.on('data', (chunk) => (output += chunk));
    create.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      create.on('error', (error) =>
        reject(new Error(`could not run redis-cli (${error.message}): it comes with redis-server (apt-get install -y redis-server)`)),
      );
      create.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`redis-cli --cluster create failed (${code}): ${output}`);
    await this.settled();
  }

  /** The cluster port is given, not port + 10 000: a free port may be too high for that. */
  private spawnNode(port: number): void {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(this.dir, `nodes-${port}.conf`),
      '--cluster-port',
      String(port + 10_000),
      '--cluster-node-timeout',
      '2000',
      '--dir',
      this.dir,
      '--appendonly',
      'no',
      '--save',
      '',
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.on('error', (error) => {
      this.spawnFailure = error;
    });
    this.processes.set(port, child);
  }

  /**
   * Waits until node `index` answers. A node that exits first lost one of its
   * two ports to another process between our check and its bind (tests under
   * two runtimes start clusters at the same time): it starts again on others.
   */
  private async nodeUp(index: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const port = this.ports[index]!;
      if (await this.answering(port)) return;
      if (attempt === 5) throw new Error(`redis cluster: node ${port} exited at start 5 times (its ports taken?)`);
      this.processes.delete(port);
      this.ports[index] = await freeNodePort();
      this.spawnNode(this.ports[index]!);
    }
  }

  /** True once the node answers; false if its process exited first. */
  private async answering(port: number): Promise<boolean> {
    const deadline = Date.now() + 10_000;
    while (!(await ask(port, 'PING').catch(() => undefined))) {
      if (this.spawnFailure) throw new Error(`could not run redis-server (${this.spawnFailure.message}): install it with apt-get install -y redis-server`);
      if (!isRunning(this.processes.get(port))) return false;
      if (Date.now() > deadline) throw new Error(`redis cluster: node ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  /**
   * Every live node sees every slot served and no node failed, all agree
   * which three nodes are masters and that each live node other than those is
   * a replica of one, and every replica's link is up and synced.
   */
  async settled(timeoutMs = 30_000): Promise<void> {
    const live = () => this.ports.filter((port) => isRunning(this.processes.get(port)));
    await waitFor(
      'cluster_state:ok on every node',
      async () => {
        for (const port of live()) {
          const info = String(await ask(port, 'CLUSTER', 'INFO'));
          if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
        }
        return true;
      },
      timeoutMs,
    );
    await waitFor(
      'the nodes to agree, and every replica in sync',
      async () => {
        const ports = live();
        const views = await Promise.all(ports.map(async (port) => parseNodes(String(await ask(port, 'CLUSTER', 'NODES')))));
        const roles = (view: NodeLine[]) => {
          const masters = view.filter((n) => n.master && !n.failed && n.slots.length > 0);
          const replicas = view.filter((n) => !n.master && !n.failed && masters.some((m) => m.id === n.masterId));
          return `${masters.map((n) => n.port).sort()}/${replicas.map((n) => n.port).sort()}`;
        };
        const seen = new Set(views.map(roles));
        if (seen.size !== 1) return false;
        const [masters, replicas] = [...seen][0]!.split('/').map((list) => list.split(',').filter(Boolean));
        if (masters!.length !== 3 || masters!.length + replicas!.length !== ports.length) return false;
        for (const replica of replicas!) {
          const info = String(await ask(Number(replica), 'INFO', 'replication'));
          if (!/master_link_status:up/.test(info) || /master_sync_in_progress:1/.test(info)) return false;
        }
        return true;
      },
      timeoutMs,
    );
  }

  /** The cluster as one live node sees it. */
  private async view(): Promise<NodeLine[]> {
    for (const port of this.ports) {
      if (!isRunning(this.processes.get(port))) continue;
      try {
        return parseNodes(String(await ask(port, 'CLUSTER', 'NODES')));
      } catch {
        // Try the next node.
      }
    }
    throw new Error('redis cluster: no node answers');
  }

  /** The master now serving `key`'s slot, and its replica. */
  async ownerOf(key: string): Promise<{ master: number; replica: number | undefined }> {
    const slot = Number(await ask(this.ports[0]!, 'CLUSTER', 'KEYSLOT', key));
    const view = await this.view();
    const master = view.find((n) => n.master && !n.failed && n.slots.some(([a, b]) => slot >= a && slot <= b));
    if (!master) throw new Error(`redis cluster: no master serves slot ${slot}`);
    const replica = view.find((n) => n.masterId === master.id && !n.failed);
    return { master: master.port, replica: replica?.port };
  }

  /** Ports of the masters now serving slots. */
  async masters(): Promise<number[]> {
    return (await this.view()).filter((n) => n.master && !n.failed && n.slots.length > 0).map((n) => n.port);
  }

  /**
   * A manual failover of `master`: its replica asks it to stop writes, catches
   * up, and takes over; nothing acknowledged is lost. Resolves once the replica
   * serves the slots and the cluster has settled again.
   */
  async failover(master: number): Promise<number> {
    const view = await this.view();
    const id = view.find((n) => n.port === master)?.id;
    const replica = view.find((n) => n.masterId === id && !n.failed);
    if (!replica) throw new Error(`redis cluster: ${master} has no replica`);
    await ask(replica.port, 'CLUSTER', 'FAILOVER');
    await waitFor(`${replica.port} to take over from ${master}`, async () => /role:master/.test(String(await ask(replica.port, 'INFO', 'replication'))));
    await this.settled();
    return replica.port;
  }

  /** SIGKILL of one node, as a crash. */
  async kill(port: number): Promise<void> {
    await killProcess(this.processes.get(port));
  }

  /** Starts a killed node again: from its nodes file it rejoins, as a replica of whoever took over its slots. */
  async restart(port: number): Promise<void> {
    this.spawnNode(port);
    await this.answering(port);
    await this.settled();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((child) => killProcess(child)));
    process.removeListener('exit', this.cleanUp);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
