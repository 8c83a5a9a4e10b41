import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Inject, Injectable, Module, NestFactory, Optional, StreamnestError } from 'streamnest';
import { Test } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { call } from './support.js';

@Injectable()
class Clock {
  now() {
    return 42;
  }
}

@Injectable()
class Greeter {
  constructor(readonly clock: Clock) {}
  greet() {
    return `hello at ${this.clock.now()}`;
  }
}

const CONFIG = 'CONFIG';
const SECRET = Symbol('SECRET');

@Injectable()
class Settings {
  constructor(
    @Inject(CONFIG) readonly config: { name: string },
    @Inject(SECRET) readonly secret: string,
  ) {}
}

@Controller('di')
class DiController {
  constructor(
    private readonly greeter: Greeter,
    private readonly settings: Settings,
  ) {}
  @Get()
  show() {
    return { greeting: this.greeter.greet(), name: this.settings.config.name, secret: this.settings.secret };
  }
}

test('constructor injection by type and by string/symbol token reaches a controller over HTTP', async (t) => {
  const { url, close } = await startApp({
    controllers: [DiController],
    providers: [Clock, Greeter, Settings, { provide: CONFIG, useValue: { name: 'sn' } }, { provide: SECRET, useValue: 's3cret' }],
  });
  t.after(close);
  const res = await call(`${url}/di`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { greeting: 'hello at 42', name: 'sn', secret: 's3cret' });
});

test('@Optional() gives undefined when nothing provides the dependency, and the value when something does', async () => {
  @Injectable()
  class Cache {}
  @Injectable()
  class UsesOptional {
    constructor(
      @Optional() readonly cache?: Cache,
      @Optional() @Inject('MISSING') readonly missing?: string,
    ) {}
  }
  const without = await Test.createTestingModule({ providers: [UsesOptional] }).compile();
  assert.equal(without.get(UsesOptional).cache, undefined);
  assert.equal(without.get(UsesOptional).missing, undefined);
  const withIt = await Test.createTestingModule({ providers: [UsesOptional, Cache] }).compile();
  assert.ok(withIt.get(UsesOptional).cache instanceof Cache);
});

test('useValue, useClass, useExisting, useFactory (sync and async, with inject) and one instance per application', async () => {
  abstract class Store {
    abstract kind(): string;
  }
  @Injectable()
  class MemoryStore extends Store {
    kind() {
      return 'memory';
    }
  }
  let factoryCalls = 0;
  const moduleRef = await Test.createTestingModule({
    providers: [
      Clock,
      { provide: 'VALUE', useValue: 7 },
      { provide: Store, useClass: MemoryStore },
      { provide: 'ALIAS', useExisting: Store },
      { provide: 'SYNC', useFactory: (n: number) => n * 2, inject: ['VALUE'] },
      {
        provide: 'ASYNC',
        useFactory: async (store: Store, clock: Clock, absent: unknown) => {
          factoryCalls++;
          await new Promise((r) => setImmediate(r));
          return { kind: store.kind(), at: clock.now(), absent };
        },
        inject: [Store, Clock, { token: 'NOPE', optional: true }],
      },
    ],
  }).compile();
  assert.equal(moduleRef.get('VALUE'), 7);
  assert.ok(moduleRef.get(Store) instanceof MemoryStore);
  assert.equal(moduleRef.get('ALIAS'), moduleRef.get(Store), 'useExisting is the same instance');
  assert.equal(moduleRef.get('SYNC'), 14);
  assert.deepEqual(moduleRef.get('ASYNC'), { kind: 'memory', at: 42, absent: undefined });
  assert.equal(factoryCalls, 1);
  assert.equal(moduleRef.get(Clock), moduleRef.get(Clock));
});

test('a provider is created once, however many consumers inject it', async () => {
  let created = 0;
  @Injectable()
  class Counted {
    constructor() {
      created++;
    }
  }
  @Injectable()
  class A {
    constructor(readonly c: Counted) {}
  }
  @Injectable()
  class B {
    constructor(readonly c: Counted) {}
  }
  const moduleRef = await Test.createTestingModule({ providers: [Counted, A, B] }).compile();
  assert.equal(created, 1);
  assert.equal(moduleRef.get(A).c, moduleRef.get(B).c);
});

test('a useValue that is a Promise is injected as the Promise itself, not awaited', async () => {
  const promise = Promise.resolve('inside');
  const moduleRef = await Test.createTestingModule({ providers: [{ provide: 'P', useValue: promise }] }).compile();
  assert.equal(moduleRef.get('P'), promise);
});

test('a missing provider fails NestFactory.create, naming the consumer, the parameter index and the module', async () => {
  @Injectable()
  class Missing {}
  @Injectable()
  class NeedsMissing {
    constructor(
      readonly clock: Clock,
      readonly missing: Missing,
    ) {}
  }
  @Module({ providers: [Clock, NeedsMissing] })
  class BrokenModule {}
  await assert.rejects(NestFactory.create(BrokenModule, { logger: false }), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_MISSING_PROVIDER');
    assert.match(error.message, /NeedsMissing/);
    assert.match(error.message, /#1/);
    assert.match(error.message, /Missing/);
    assert.match(error.message, /BrokenModule/);
    return true;
  });
});

test('a missing dependency of a controller fails at compile(), not at the first request', async () => {
  @Controller('x')
  class NeedsToken {
    constructor(@Inject('TOKEN') readonly token: string) {}
    @Get() get() {
      return this.token;
    }
  }
  await assert.rejects(Test.createTestingModule({ controllers: [NeedsToken] }).compile(), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_MISSING_PROVIDER');
    assert.match(error.message, /NeedsToken cannot be created: its constructor parameter #0 \("TOKEN"\)/);
    return true;
  });
});

test('a missing dependency of a factory names the factory and the index', async () => {
  await assert.rejects(
    Test.createTestingModule({ providers: [{ provide: 'F', useFactory: (a: unknown, b: unknown) => [a, b], inject: [Clock, 'GONE'] }, Clock] }).compile(),
    (error: StreamnestError) => error.code === 'SN_ERR_MISSING_PROVIDER' && /factory of "F"/.test(error.message) && /#1/.test(error.message),
  );
});

test('a circular dependency between classes names the whole cycle', async () => {
  @Injectable()
  class Alpha {
    constructor(@Inject('Beta') readonly beta: unknown) {}
  }
  @Injectable()
  class Beta {
    constructor(readonly alpha: Alpha) {}
  }
  @Module({ providers: [Alpha, { provide: 'Beta', useClass: Beta }] })
  class CycleModule {}
  await assert.rejects(NestFactory.create(CycleModule, { logger: false }), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_CIRCULAR_DEPENDENCY');
    assert.match(error.message, /Alpha -> "Beta" -> Alpha/);
    return true;
  });
});

test('a three-step cycle through factories is reported in order', async () => {
  await assert.rejects(
    Test.createTestingModule({
      providers: [
        { provide: 'A', useFactory: (b: unknown) => b, inject: ['B'] },
        { provide: 'B', useFactory: (c: unknown) => c, inject: ['C'] },
        { provide: 'C', useFactory: (a: unknown) => a, inject: ['A'] },
      ],
    }).compile(),
    (error: StreamnestError) => error.code === 'SN_ERR_CIRCULAR_DEPENDENCY' && error.message.includes('"A" -> "B" -> "C" -> "A"'),
  );
});

test('a self-dependency is a cycle of one', async () => {
  await assert.rejects(
    Test.createTestingModule({ providers: [{ provide: 'SELF', useFactory: (s: unknown) => s, inject: ['SELF'] }] }).compile(),
    (error: StreamnestError) => error.code === 'SN_ERR_CIRCULAR_DEPENDENCY' && error.message.includes('"SELF" -> "SELF"'),
  );
});

test('a parameter whose type is unknown (an interface) asks for @Inject', async () => {
  interface Port {
    open(): void;
  }
  @Injectable()
  class UsesInterface {
    constructor(readonly port: Port) {}
  }
  await assert.rejects(
    Test.createTestingModule({ providers: [UsesInterface] }).compile(),
    (error: StreamnestError) => error.code === 'SN_ERR_UNKNOWN_PARAM_TYPE' && /UsesInterface/.test(error.message) && /@Inject/.test(error.message),
  );
});

test('an invalid provider object is refused with a clear error', async () => {
  await assert.rejects(
    Test.createTestingModule({ providers: [{ provide: 'X' } as any] }).compile(),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_PROVIDER' && /"X"/.test(error.message),
  );
});

test('app.get() of something never provided says so', async (t) => {
  const { app, close } = await startApp({ providers: [Clock] });
  t.after(close);
  assert.ok(app.get(Clock) instanceof Clock);
  assert.throws(
    () => app.get('NOWHERE'),
    (error: StreamnestError) => error.code === 'SN_ERR_NOT_INJECTABLE',
  );
});
