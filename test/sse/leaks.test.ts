import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { AppController } from '../../examples/sse/app.controller.js';
import { runtimeSkip } from '../runtimes/skips.js';
import { startApp } from '../support/app.js';
import { eventually } from '../support/sse-reader.js';

const CONNECTIONS = 1000;

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Opens one seed stream and resolves once its headers are in. */
function open(url: string, agent: http.Agent): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/sse`, { agent }, (res) => {
      res.resume();
      resolve(req);
    });
    req.on('error', reject);
  });
}

test(
  `${CONNECTIONS} connections opened and dropped leave no timers, sessions or heartbeats behind`,
  runtimeSkip('sse: connections opened and dropped leave no timers behind'),
  async (t) => {
    const { app, url, close } = await startApp({ controllers: [AppController] });
    t.after(close);
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    t.after(() => agent.destroy());
    const baseline = timers();

    const requests: http.ClientRequest[] = [];
    for (let i = 0; i < CONNECTIONS; i += 100) {
      requests.push(...(await Promise.all(Array.from({ length: 100 }, () => open(url, agent)))));
    }
    await eventually(() => app.getSseStats().open === CONNECTIONS, 10_000, 'every session open');
    const during = app.getSseStats();
    assert.equal(during.heartbeats.members, CONNECTIONS);
    assert.equal(during.heartbeats.timers, 1, 'one shared heartbeat timer, not one per connection');
    assert.ok(timers() >= baseline + CONNECTIONS, 'each seed handler holds its own interval while open');

    for (const req of requests) req.destroy();

    await eventually(() => app.getSseStats().open === 0, 10_000, 'every session closed');
    const after = app.getSseStats();
    assert.deepEqual(after.heartbeats, { members: 0, timers: 0 });
    assert.equal(after.opened, CONNECTIONS);
    // Every seed handler's cancel ran (its clearInterval), and we hold no timer of our own.
    await eventually(() => timers() <= baseline, 5000, 'timers back to the baseline');
    const server = app.getHttpServer() as http.Server;
    await eventually(() => new Promise<boolean>((resolve) => server.getConnections((_e, n) => resolve(n === 0))), 5000, 'no server connections left');
  },
);
