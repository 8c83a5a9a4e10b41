import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Inject, Injectable, Module } from 'streamnest';
import { Test } from 'streamnest/testing';
import { call } from './support.js';

@Injectable()
class PriceSource {
  price() {
    return 100;
  }
}

@Injectable()
class Pricing {
  constructor(
    private readonly source: PriceSource,
    @Inject('TAX') private readonly tax: number,
  ) {}
  total() {
    return this.source.price() * (1 + this.tax);
  }
}

@Module({ providers: [PriceSource, { provide: 'TAX', useValue: 0.2 }, Pricing], exports: [Pricing] })
class PricingModule {}

@Controller('price')
class PriceController {
  constructor(private readonly pricing: Pricing) {}
  @Get() get() {
    return { total: this.pricing.total() };
  }
}

test('overrideProvider().useValue replaces a provider deep in an imported module, for get() and over HTTP', async (t) => {
  const moduleRef = await Test.createTestingModule({ imports: [PricingModule], controllers: [PriceController] })
    .overrideProvider(PriceSource)
    .useValue({ price: () => 10 })
    .compile();
  assert.equal(moduleRef.get(Pricing).total(), 12);
  assert.deepEqual(moduleRef.get(PriceSource).price(), 10);
  const app = moduleRef.createNestApplication();
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => app.close());
  assert.match(app.getUrl(), /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual((await call(`${app.getUrl()}/price`)).body, { total: 12 });
});

test('overrideProvider().useClass and .useFactory (with inject), string tokens included', async () => {
  class CheapSource {
    price() {
      return 50;
    }
  }
  const byClass = await Test.createTestingModule({ imports: [PricingModule] })
    .overrideProvider(PriceSource)
    .useClass(CheapSource)
    .compile();
  assert.equal(byClass.get(Pricing).total(), 60);
  const byFactory = await Test.createTestingModule({ imports: [PricingModule], providers: [{ provide: 'BASE', useValue: 1 }] })
    .overrideProvider('TAX')
    .useFactory({ factory: async () => 0.5 })
    .compile();
  assert.equal(byFactory.get(Pricing).total(), 150);
  assert.equal(byFactory.get('TAX'), 0.5);
});

test('the original provider is not even constructed when overridden', async () => {
  let constructed = 0;
  @Injectable()
  class Expensive {
    constructor() {
      constructed++;
    }
  }
  const moduleRef = await Test.createTestingModule({ providers: [Expensive] })
    .overrideProvider(Expensive)
    .useValue({ fake: true })
    .compile();
  assert.deepEqual(moduleRef.get(Expensive), { fake: true });
  assert.equal(constructed, 0);
});

test('a testing module runs hooks with init() and close() without a server', async () => {
  const calls: string[] = [];
  @Injectable()
  class Hooks {
    onModuleInit() {
      calls.push('init');
    }
    onApplicationBootstrap() {
      calls.push('bootstrap');
    }
    onModuleDestroy() {
      calls.push('destroy');
    }
    onApplicationShutdown() {
      calls.push('shutdown');
    }
  }
  const moduleRef = await Test.createTestingModule({ providers: [Hooks] }).compile();
  await moduleRef.init();
  await moduleRef.close();
  assert.deepEqual(calls, ['init', 'bootstrap', 'destroy', 'shutdown']);
});

test('two applications from two testing modules run side by side on their own ephemeral ports', async (t) => {
  const a = (await Test.createTestingModule({ imports: [PricingModule], controllers: [PriceController] }).compile()).createNestApplication();
  const b = (
    await Test.createTestingModule({ imports: [PricingModule], controllers: [PriceController] })
      .overrideProvider('TAX')
      .useValue(0)
      .compile()
  ).createNestApplication();
  await a.listen({ port: 0, hostname: '127.0.0.1' });
  await b.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => Promise.all([a.close(), b.close()]));
  assert.notEqual(a.getUrl(), b.getUrl());
  assert.deepEqual((await call(`${a.getUrl()}/price`)).body, { total: 120 });
  assert.deepEqual((await call(`${b.getUrl()}/price`)).body, { total: 100 });
});

test('importing streamnest/testing before streamnest works (the metadata polyfill comes with it)', async () => {
  const script = fileURLToPath(new URL('./fixtures/testing-first.js', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script]);
  assert.equal(stdout, 'ok');
});
