import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Injectable, Module, NestFactory } from 'streamnest';
import { Test } from 'streamnest/testing';
import { call, eventually } from './support.js';

function recorder() {
  const calls: string[] = [];
  const hooks = (name: string) => ({
    onModuleInit: () => {
      calls.push(`${name}.onModuleInit`);
    },
    onApplicationBootstrap: () => {
      calls.push(`${name}.onApplicationBootstrap`);
    },
    onModuleDestroy: () => {
      calls.push(`${name}.onModuleDestroy`);
    },
    beforeApplicationShutdown: (signal?: string) => {
      calls.push(`${name}.beforeApplicationShutdown(${signal})`);
    },
    onApplicationShutdown: (signal?: string) => {
      calls.push(`${name}.onApplicationShutdown(${signal})`);
    },
  });
  return { calls, hooks };
}

test('hooks run in order: init and bootstrap on listen (deepest module first), destroy and shutdown on close (reverse), with the signal', async () => {
  const { calls, hooks } = recorder();
  @Injectable()
  class Inner {
    constructor() {
      Object.assign(this, hooks('Inner'));
    }
  }
  @Module({ providers: [Inner], exports: [Inner] })
  class InnerModule {}
  @Injectable()
  class Outer {
    constructor(readonly inner: Inner) {
      Object.assign(this, hooks('Outer'));
    }
  }
  @Controller('state')
  class StateController {
    @Get() state() {
      return { calls };
    }
  }
  @Module({ imports: [InnerModule], providers: [Outer], controllers: [StateController] })
  class RootModule {}

  const app = await NestFactory.create(RootModule, { logger: false });
  assert.deepEqual(calls, [], 'no hook runs before init/listen');
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  const seen = await call(`${app.getUrl()}/state`);
  assert.deepEqual(seen.body.calls, ['Inner.onModuleInit', 'Outer.onModuleInit', 'Inner.onApplicationBootstrap', 'Outer.onApplicationBootstrap']);
  await app.close('SIGUSR2');
  assert.deepEqual(calls.slice(4), [
    'Outer.onModuleDestroy',
    'Inner.onModuleDestroy',
    'Outer.beforeApplicationShutdown(SIGUSR2)',
    'Inner.beforeApplicationShutdown(SIGUSR2)',
    'Outer.onApplicationShutdown(SIGUSR2)',
    'Inner.onApplicationShutdown(SIGUSR2)',
  ]);
  await app.close();
  assert.equal(calls.length, 10, 'a second close() does not run the hooks again');
});

test('async hooks are awaited before listen resolves, and controllers get hooks too', async (t) => {
  let ready = false;
  @Injectable()
  class Slow {
    async onModuleInit() {
      await new Promise((r) => setTimeout(r, 20));
      ready = true;
    }
  }
  let controllerBooted = false;
  @Controller('ready')
  class ReadyController {
    onApplicationBootstrap() {
      controllerBooted = true;
    }
    @Get() ready() {
      return { ready };
    }
  }
  const moduleRef = await Test.createTestingModule({ providers: [Slow], controllers: [ReadyController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => app.close());
  assert.equal(ready, true);
  assert.equal(controllerBooted, true);
  assert.deepEqual((await call(`${app.getUrl()}/ready`)).body, { ready: true });
});

test('an instance reachable by an alias (useExisting) gets each hook once', async () => {
  let inits = 0;
  let destroys = 0;
  @Injectable()
  class Service {
    onModuleInit() {
      inits++;
    }
    onModuleDestroy() {
      destroys++;
    }
  }
  @Module({ providers: [Service, { provide: 'ALIAS', useExisting: Service }, { provide: 'SAME', useFactory: (s: Service) => s, inject: [Service] }] })
  class AliasModule {}
  const app = await NestFactory.create(AliasModule, { logger: false });
  await app.init();
  await app.close();
  assert.equal(inits, 1);
  assert.equal(destroys, 1);
});

test('a failing onModuleInit makes listen() reject instead of serving half-initialised', async () => {
  @Injectable()
  class Broken {
    onModuleInit() {
      throw new Error('cannot connect');
    }
  }
  const app = (await Test.createTestingModule({ providers: [Broken] }).compile()).createNestApplication({ logger: false });
  await assert.rejects(app.listen({ port: 0, hostname: '127.0.0.1' }), /cannot connect/);
  await app.close();
});

test('enableShutdownHooks: a child process given SIGTERM runs every hook with the signal, then exits by that signal', async () => {
  const script = fileURLToPath(new URL('./fixtures/shutdown-app.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    await eventually(() => out.includes('READY ') || child.exitCode !== null, 'the child to listen', 20_000);
    const url = /READY (\S+)/.exec(out)?.[1];
    assert.ok(url, `child did not start: ${out}${err}`);
    assert.equal((await call(`${url}/ping`)).text, 'pong');
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, 'SIGTERM', `exit code ${code}, stderr: ${err}`);
    const hooks = out
      .split('\n')
      .filter((l) => l.startsWith('HOOK '))
      .map((l) => l.slice(5));
    assert.deepEqual(hooks, [
      'onModuleInit',
      'onApplicationBootstrap',
      'onModuleDestroy',
      'beforeApplicationShutdown SIGTERM',
      'onApplicationShutdown SIGTERM',
    ]);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
