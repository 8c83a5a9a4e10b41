// The connection limiter's two ways of counting, on real TCP connections:
// with the count Node's server keeps itself (Node, Deno's node:http), and on
// its own for a server that keeps none (Bun's node:http). Either way a
// connection past the limit is marked refused and a closed one frees its place;
// with Node's count, a connection under the limits carries no listener of ours.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { ConnectionLimiter } from '#internal/platform/connection-limiter.js';

interface Harness {
  /** Opens a client connection and resolves with the server's end of it, once admitted. */
  connect(): Promise<{ client: net.Socket; server: net.Socket }>;
  limiter: ConnectionLimiter;
}

async function harness(t: TestContext, max: number, perAddress: number, counting: 'node' | 'own'): Promise<Harness> {
  const limiter = new ConnectionLimiter(max, perAddress);
  const server = net.createServer();
  const admitted: Array<(socket: net.Socket) => void> = [];
  server.on('connection', (socket) => {
    // A server with no count of its own, as Bun's node:http: the limiter sees no `_connections`.
    const counted = counting === 'node' ? server : {};
    if (!limiter.admit(socket, counted)) socket.destroy();
    else admitted.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const clients: net.Socket[] = [];
  t.after(() => {
    for (const client of clients) client.destroy();
    server.close();
  });
  return {
    limiter,
    connect: () =>
      new Promise((resolve) => {
        admitted.push((serverSide) => resolve({ client, server: serverSide }));
        const client = net.connect(port, '127.0.0.1');
        clients.push(client);
      }),
  };
}

for (const counting of ['node', 'own'] as const) {
  test(`connection limit (${counting === 'node' ? "Node's count" : 'its own count'}): the connection past the limit is refused, and a closed one frees its place`, async (t) => {
    const { connect, limiter } = await harness(t, 2, 0, counting);
    const first = await connect();
    const second = await connect();
    assert.equal(limiter.isRefused(first.server), false);
    assert.equal(limiter.isRefused(second.server), false);
    const third = await connect();
    assert.equal(limiter.isRefused(third.server), true, 'over the limit of 2');

    // The refused one closes, then one admitted: two places free again, the next two are served.
    const closed = Promise.all([once(third.server, 'close'), once(first.server, 'close')]);
    third.client.destroy();
    first.client.destroy();
    await closed;
    const fourth = await connect();
    assert.equal(limiter.isRefused(fourth.server), false, 'the closed connections freed their places');
    const fifth = await connect();
    assert.equal(limiter.isRefused(fifth.server), true, 'second and fourth hold the two places');
  });
}

test("connection limit with Node's count: a connection under the limits gets no 'close' listener of the limiter; one refused, or one counted by address, does", async (t) => {
  const plain = await harness(t, 1, 0, 'node');
  const served = await plain.connect();
  const before = served.server.listenerCount('close');
  const refused = await plain.connect();
  assert.equal(plain.limiter.isRefused(refused.server), true);
  assert.equal(refused.server.listenerCount('close'), before + 1, 'the refused one is followed until it closes (its mark is dropped then)');

  const own = await harness(t, 10, 0, 'own');
  assert.equal((await own.connect()).server.listenerCount('close'), before + 1, 'counting on its own, the limiter hears every close');

  const byAddress = await harness(t, 10, 5, 'node');
  assert.equal((await byAddress.connect()).server.listenerCount('close'), before + 1, 'a per-address count needs the close too');
});
