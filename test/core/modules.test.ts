import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Global, Inject, Injectable, Module, NestFactory, type DynamicModule, type StreamnestError } from 'streamnest';
import { Test } from 'streamnest/testing';
import { call } from './support.js';

@Injectable()
class PublicService {
  name() {
    return 'public';
  }
}
@Injectable()
class PrivateService {
  name() {
    return 'private';
  }
}

@Module({ providers: [PublicService, PrivateService], exports: [PublicService] })
class LibraryModule {}

test('an exported provider is injectable from an importing module, and the app serves it', async (t) => {
  @Controller('lib')
  class LibController {
    constructor(private readonly service: PublicService) {}
    @Get() name() {
      return { name: this.service.name() };
    }
  }
  @Module({ imports: [LibraryModule], controllers: [LibController] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => app.close());
  assert.deepEqual((await call(`${app.getUrl()}/lib`)).body, { name: 'public' });
});

test('a provider that is not exported is NOT injectable from an importer, with a start-up error that says why', async () => {
  @Injectable()
  class WantsPrivate {
    constructor(readonly hidden: PrivateService) {}
  }
  @Module({ imports: [LibraryModule], providers: [WantsPrivate] })
  class ImporterModule {}
  await assert.rejects(NestFactory.create(ImporterModule, { logger: false }), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_PROVIDER_NOT_EXPORTED');
    assert.match(error.message, /WantsPrivate/);
    assert.match(error.message, /#0/);
    assert.match(error.message, /PrivateService/);
    assert.match(error.message, /ImporterModule/);
    assert.match(error.message, /LibraryModule provides PrivateService but does not export it/);
    return true;
  });
});

test('exports do not leak transitively: an importer of an importer sees nothing unless re-exported', async () => {
  @Module({ imports: [LibraryModule] })
  class MiddleModule {}
  @Injectable()
  class Deep {
    constructor(readonly service: PublicService) {}
  }
  @Module({ imports: [MiddleModule], providers: [Deep] })
  class TopModule {}
  await assert.rejects(
    NestFactory.create(TopModule, { logger: false }),
    (error: StreamnestError) => /Deep/.test(error.message) && /TopModule/.test(error.message),
  );

  @Module({ imports: [LibraryModule], exports: [LibraryModule] })
  class ReExportingModule {}
  @Module({ imports: [ReExportingModule], providers: [Deep] })
  class ReTopModule {}
  const app = await NestFactory.create(ReTopModule, { logger: false });
  assert.ok(app.get(Deep).service instanceof PublicService);
});

test('@Global() exports are visible everywhere without importing', async () => {
  @Injectable()
  class GlobalConfig {
    readonly env = 'test';
  }
  @Global()
  @Module({ providers: [GlobalConfig], exports: [GlobalConfig] })
  class ConfigModule {}
  @Injectable()
  class Consumer {
    constructor(readonly config: GlobalConfig) {}
  }
  @Module({ providers: [Consumer] })
  class FeatureModule {}
  @Module({ imports: [ConfigModule, FeatureModule] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  assert.equal(app.get(Consumer).config.env, 'test');
  assert.equal(app.get(Consumer).config, app.get(GlobalConfig));
});

test('a dynamic module from forRoot() contributes providers, exports, and can be global', async () => {
  const OPTIONS = Symbol('DB_OPTIONS');
  @Injectable()
  class Database {
    constructor(@Inject(OPTIONS) readonly options: { url: string }) {}
  }
  @Module({})
  class DatabaseModule {
    static forRoot(url: string, global = false): DynamicModule {
      return { module: DatabaseModule, providers: [{ provide: OPTIONS, useValue: { url } }, Database], exports: [Database], global };
    }
  }
  @Injectable()
  class Repo {
    constructor(readonly db: Database) {}
  }
  @Module({ providers: [Repo] })
  class RepoModule {}

  @Module({ imports: [DatabaseModule.forRoot('mem://local'), RepoModule] })
  class NotGlobalApp {}
  await assert.rejects(
    NestFactory.create(NotGlobalApp, { logger: false }),
    (error: StreamnestError) =>
      error.code === 'SN_ERR_PROVIDER_NOT_IMPORTED' &&
      /Repo cannot be created/.test(error.message) &&
      /Add DatabaseModule to the imports of RepoModule/.test(error.message),
  );

  @Module({ imports: [DatabaseModule.forRoot('mem://global', true), RepoModule] })
  class GlobalApp {}
  const app = await NestFactory.create(GlobalApp, { logger: false });
  assert.equal(app.get(Repo).db.options.url, 'mem://global');

  @Module({ imports: [DatabaseModule.forRoot('mem://direct')], providers: [Repo] })
  class DirectApp {}
  const direct = await NestFactory.create(DirectApp, { logger: false });
  assert.equal(direct.get(Repo).db.options.url, 'mem://direct');
  // The options token is not exported, so it stays private to the dynamic module.
  @Injectable()
  class Peeker {
    constructor(@Inject(OPTIONS) readonly options: unknown) {}
  }
  @Module({ imports: [DatabaseModule.forRoot('mem://x')], providers: [Peeker] })
  class PeekApp {}
  await assert.rejects(NestFactory.create(PeekApp, { logger: false }), (error: StreamnestError) => /Peeker/.test(error.message));
});

test('an async dynamic module (a Promise of forRoot) is awaited', async () => {
  @Module({})
  class AsyncModule {
    static async forRootAsync(): Promise<DynamicModule> {
      await new Promise((r) => setImmediate(r));
      return { module: AsyncModule, providers: [{ provide: 'ASYNC_VALUE', useValue: 'ready' }], exports: ['ASYNC_VALUE'] };
    }
  }
  const moduleRef = await Test.createTestingModule({ imports: [AsyncModule.forRootAsync()] }).compile();
  assert.equal(moduleRef.get('ASYNC_VALUE'), 'ready');
});

test('a module imported twice is one module: its providers are created once', async () => {
  let created = 0;
  @Injectable()
  class Shared {
    constructor() {
      created++;
    }
  }
  @Module({ providers: [Shared], exports: [Shared] })
  class SharedModule {}
  @Injectable()
  class UserA {
    constructor(readonly s: Shared) {}
  }
  @Module({ imports: [SharedModule], providers: [UserA], exports: [UserA] })
  class AModule {}
  @Injectable()
  class UserB {
    constructor(readonly s: Shared) {}
  }
  @Module({ imports: [SharedModule], providers: [UserB], exports: [UserB] })
  class BModule {}
  @Module({ imports: [AModule, BModule] })
  class Root {}
  const app = await NestFactory.create(Root, { logger: false });
  assert.equal(created, 1);
  assert.equal(app.get(UserA).s, app.get(UserB).s);
});

test('exporting something the module neither provides nor imports is a start-up error', async () => {
  @Module({ exports: [PublicService] })
  class BadExport {}
  await assert.rejects(
    NestFactory.create(BadExport, { logger: false }),
    (error: StreamnestError) => error.code === 'SN_ERR_UNKNOWN_EXPORT' && /BadExport/.test(error.message),
  );
});

test('importing a class that is not a module, or undefined, is a start-up error naming the importer', async () => {
  class NotAModule {}
  @Module({ imports: [NotAModule] })
  class Importer {}
  await assert.rejects(
    NestFactory.create(Importer, { logger: false }),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_MODULE' && /Importer/.test(error.message) && /NotAModule/.test(error.message),
  );
  @Module({ imports: [undefined as any] })
  class ImportsUndefined {}
  await assert.rejects(
    NestFactory.create(ImportsUndefined, { logger: false }),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_MODULE' && /ImportsUndefined/.test(error.message),
  );
});

test('@Module() refuses an unknown property at decoration time', () => {
  assert.throws(() => Module({ provider: [] } as any), /unknown property "provider"/);
});

test('a class listed as a controller without @Controller() is a start-up error', async () => {
  class Plain {
    @Get() x() {
      return 1;
    }
  }
  await assert.rejects(
    Test.createTestingModule({ controllers: [Plain] }).compile(),
    (error: StreamnestError) => error.code === 'SN_ERR_NOT_A_CONTROLLER' && /Plain/.test(error.message),
  );
});

test("controllers of imported feature modules are routed, with their own module's providers", async (t) => {
  @Injectable()
  class CatsService {
    all() {
      return ['tom'];
    }
  }
  @Controller('cats')
  class CatsController {
    constructor(private readonly cats: CatsService) {}
    @Get() all() {
      return this.cats.all();
    }
  }
  @Module({ controllers: [CatsController], providers: [CatsService] })
  class CatsModule {}
  @Module({ imports: [CatsModule] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => app.close());
  assert.deepEqual((await call(`${app.getUrl()}/cats`)).body, ['tom']);
});

test('a module can re-export a dynamic module it imported, by its class', async () => {
  @Module({})
  class ConfigModule {
    static forRoot(): DynamicModule {
      return { module: ConfigModule, providers: [{ provide: 'CONFIG', useValue: { a: 1 } }], exports: ['CONFIG'] };
    }
  }
  @Module({ imports: [ConfigModule.forRoot()], exports: [ConfigModule] })
  class CoreModule {}
  @Injectable()
  class UsesConfig {
    constructor(@Inject('CONFIG') readonly config: { a: number }) {}
  }
  @Module({ imports: [CoreModule], providers: [UsesConfig] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  assert.deepEqual(app.get(UsesConfig).config, { a: 1 });
});
