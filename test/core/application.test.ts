import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Injectable, Module, NestFactory, type StreamnestError } from 'streamnest';
import { call, CaptureLogger, eventually } from './support.js';
import { runtimeSkip } from '../runtimes/skips.js';

const run = promisify(execFile);

@Injectable()
class Gate {
  started = false;
  private release!: () => void;
  private readonly opened = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  wait() {
    this.started = true;
    return this.opened;
  }
  open() {
    this.release();
  }
}

const events: string[] = [];

@Injectable()
class Hooked {
  onModuleDestroy() {
    events.push('onModuleDestroy');
  }
  onApplicationShutdown(signal?: string) {
    events.push(`onApplicationShutdown:${signal}`);
  }
}

@Controller('app')
class AppController {
  constructor(private readonly gate: Gate) {}
  @Get('hello') hello() {
    return { hello: 'world' };
  }
  @Get('slow') async slow() {
    await this.gate.wait();
    events.push('slow answered');
    return 'finished';
  }
  @Get('forever') forever() {
    return new Promise(() => {});
  }
}

@Module({ controllers: [AppController], providers: [Gate, Hooked] })
class AppModule {}

test(
  'NestFactory.create + listen(port) on all interfaces; getHttpServer(), getUrl() and app.get()',
  runtimeSkip('core: NestFactory.create + listen(port) on all interfaces'),
  async (t) => {
    const app = await NestFactory.create(AppModule, { logger: false });
    const server = await app.listen(0);
    t.after(() => app.close());
    assert.ok(server instanceof http.Server);
    assert.equal(app.getHttpServer(), server);
    const { port } = server.address() as AddressInfo;
    assert.deepEqual((await call(`http://127.0.0.1:${port}/app/hello`)).body, { hello: 'world' });
    assert.match(app.getUrl(), new RegExp(`:${port}$`));
    assert.ok(app.get(Gate) instanceof Gate);
    assert.ok(app.get(AppController) instanceof AppController);
    await assert.rejects(app.listen(0), (error: StreamnestError) => error.code === 'SN_ERR_ALREADY_LISTENING');
  },
);

test('listen() on a port in use rejects with the system error', runtimeSkip('core: listen() on a port in use rejects with the system error'), async (t) => {
  const first = await NestFactory.create(AppModule, { logger: false });
  await first.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => first.close());
  const { port } = first.getHttpServer().address() as AddressInfo;
  const second = await NestFactory.create(AppModule, { logger: false });
  await assert.rejects(second.listen({ port, hostname: '127.0.0.1' }), (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE');
  await second.close();
});

test('listen({ port, hostname }) binds that address', runtimeSkip('core: listen({ port, hostname }) binds that address'), async (t) => {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => app.close());
  assert.equal((app.getHttpServer().address() as AddressInfo).address, '127.0.0.1');
  assert.match(app.getUrl(), /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('close() stops accepting, lets the request in flight finish, then runs destroy and shutdown hooks', async () => {
  events.length = 0;
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  const url = app.getUrl();
  const gate = app.get(Gate);
  const inFlight = call(`${url}/app/slow`);
  await eventually(() => gate.started, 'the slow handler to start');
  const closing = app.close();
  await eventually(() => !app.getHttpServer().listening, 'the server to stop listening');
  await assert.rejects(fetch(`${url}/app/hello`), 'a new connection is refused while closing');
  assert.deepEqual(events, [], 'no hook runs while a request is in flight');
  gate.open();
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal(res.text, 'finished');
  await closing;
  assert.deepEqual(events, ['slow answered', 'onModuleDestroy', 'onApplicationShutdown:undefined']);
});

test(
  'close() cuts requests still running after shutdownTimeout, and still runs the hooks',
  runtimeSkip('core: close() cuts requests still running after shutdownTimeout'),
  async () => {
    events.length = 0;
    const app = await NestFactory.create(AppModule, { logger: false, shutdownTimeout: 50 });
    await app.listen({ port: 0, hostname: '127.0.0.1' });
    const stuck = fetch(`${app.getUrl()}/app/forever`);
    stuck.catch(() => {});
    await eventually(async () => (await call(`${app.getUrl()}/app/hello`)).status === 200, 'the app to serve');
    await app.close();
    await assert.rejects(stuck);
    assert.deepEqual(events, ['onModuleDestroy', 'onApplicationShutdown:undefined']);
  },
);

test('idle keep-alive connections do not hold close() up', async () => {
  const app = await NestFactory.create(AppModule, { logger: false, shutdownTimeout: 60_000 });
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  const agent = new http.Agent({ keepAlive: true });
  const status = await new Promise<number>((resolve, reject) => {
    http
      .get(`${app.getUrl()}/app/hello`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      })
      .on('error', reject);
  });
  assert.equal(status, 200);
  let closed = false;
  const closing = app.close().then(() => {
    closed = true;
  });
  await eventually(() => closed, 'close() to resolve with an idle keep-alive socket open', 20_000);
  await closing;
  agent.destroy();
});

test('the logger reports start-up and every mapped route to a custom LoggerService', async (t) => {
  const logger = new CaptureLogger();
  const app = await NestFactory.create(AppModule, { logger });
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => app.close());
  const text = logger.text();
  assert.match(text, /Starting streamnest application/);
  assert.match(text, /AppController \{\/app\}/);
  for (const path of ['hello', 'slow', 'forever']) assert.match(text, new RegExp(`Mapped \\{/app/${path}, GET\\} route`));
  assert.match(text, /listening on http:\/\/127\.0\.0\.1:\d+/);
});

test('logger levels: the default prints routes to stdout and errors to stderr; a level list filters; logger: false silences all', async () => {
  const script = fileURLToPath(new URL('./fixtures/logging-app.js', import.meta.url));
  const normal = await run(process.execPath, [script]);
  assert.match(normal.stdout, /LOG \[RoutesResolver\] Mapped \{\/cats, GET\} route/);
  assert.match(normal.stderr, /ERROR \[ExceptionHandler\] boom for the log/);
  const errorsOnly = await run(process.execPath, [script, 'errors']);
  assert.equal(errorsOnly.stdout, '');
  assert.match(errorsOnly.stderr, /boom for the log/);
  const silent = await run(process.execPath, [script, 'silent']);
  assert.equal(silent.stdout, '');
  assert.equal(silent.stderr, '');
});

test('init() without listen builds routes and hooks; getHttpServer() is then a server supertest can listen on itself; close() works', async () => {
  events.length = 0;
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  const server = app.getHttpServer() as http.Server;
  assert.equal(server.listening, false);
  assert.equal(app.getHttpServer(), server, 'the same server every time');
  // What supertest does with it: listen on an ephemeral port, request, close.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  assert.deepEqual((await call(`http://127.0.0.1:${port}/app/hello`)).body, { hello: 'world' });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
  assert.deepEqual(events, ['onModuleDestroy', 'onApplicationShutdown:undefined']);
});
