// ConfigurableModuleBuilder as in NestJS, tried on the ConfigModule of Nest's
// "dynamic modules" docs: options given to register()/registerAsync() reach
// the module's providers through MODULE_OPTIONS_TOKEN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurableModuleBuilder, Controller, Get, Inject, Injectable, Module, Param, type DynamicModule, type StreamnestError } from 'streamnest';
import { Test } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { call } from './support.js';

interface ConfigModuleOptions {
  folder: string;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<ConfigModuleOptions>()
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

@Injectable()
class ConfigService {
  private readonly env: Record<string, string>;
  constructor(@Inject(MODULE_OPTIONS_TOKEN) readonly options: ConfigModuleOptions) {
    const text = readFileSync(join(options.folder, '.env'), 'utf8');
    this.env = Object.fromEntries(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('=') as [string, string]),
    );
  }
  get(key: string): string | undefined {
    return this.env[key];
  }
}

@Module({ providers: [ConfigService], exports: [ConfigService] })
class ConfigModule extends ConfigurableModuleClass {}

@Controller('config')
class ConfigController {
  constructor(private readonly config: ConfigService) {}
  @Get(':key') read(@Param('key') key: string) {
    return { value: this.config.get(key) ?? null, options: this.config.options };
  }
}

function envFolder(content: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'streamnest-config-'));
  writeFileSync(join(folder, '.env'), content);
  return folder;
}

test('register(options): the options reach the module through MODULE_OPTIONS_TOKEN, extras left out', async (t) => {
  const folder = envFolder('GREETING=hello\n');
  const { url, close } = await startApp({ imports: [ConfigModule.register({ folder })], controllers: [ConfigController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/config/GREETING`)).body, { value: 'hello', options: { folder } });
});

@Injectable()
class FolderSource {
  readonly folder = envFolder('SOURCE=factory\n');
}
@Module({ providers: [FolderSource], exports: [FolderSource] })
class SourceModule {}

test('registerAsync({ imports, inject, useFactory }): the factory gets providers of the imported module', async (t) => {
  const { url, close } = await startApp({
    imports: [
      ConfigModule.registerAsync({
        imports: [SourceModule],
        inject: [FolderSource],
        useFactory: async (source: FolderSource) => ({ folder: source.folder }),
      }),
    ],
    controllers: [ConfigController],
  });
  t.after(close);
  assert.equal((await call(`${url}/config/SOURCE`)).body.value, 'factory');
});

test('isGlobal (an extra): any module may inject the service without importing ConfigModule', async (t) => {
  const folder = envFolder('WHERE=global\n');
  @Module({ controllers: [ConfigController] })
  class FeatureModule {}
  const { url, close } = await startApp({ imports: [ConfigModule.register({ folder, isGlobal: true }), FeatureModule] });
  t.after(close);
  assert.deepEqual((await call(`${url}/config/WHERE`)).body, { value: 'global', options: { folder } });
  // Without isGlobal, the same feature module cannot see it.
  await assert.rejects(
    startApp({ imports: [ConfigModule.register({ folder }), FeatureModule] }),
    (error: StreamnestError) => error.code === 'SN_ERR_PROVIDER_NOT_IMPORTED' && /ConfigService/.test(error.message),
  );
});

// Method names of your own, and the options made by a class or an existing provider.

interface CacheOptions {
  ttl: number;
}
const cache = new ConfigurableModuleBuilder<CacheOptions>({ moduleName: 'Cache' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCacheOptions')
  .build();

@Injectable()
class CacheService {
  constructor(@Inject(cache.MODULE_OPTIONS_TOKEN) readonly options: CacheOptions) {}
}
@Module({ providers: [CacheService], exports: [CacheService] })
class CacheModule extends cache.ConfigurableModuleClass {
  /** A static method of its own may wrap the generated one, as in Nest's docs. */
  static forRoot(options: typeof cache.OPTIONS_TYPE): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: super is the generated class, whose forRoot() this test wraps
    return { ...super.forRoot({ ttl: options.ttl * 1000 }) };
  }
}

@Controller('cache')
class CacheController {
  constructor(private readonly cacheService: CacheService) {}
  @Get() options() {
    return this.cacheService.options;
  }
}

@Injectable()
class CacheOptionsFactory {
  createCacheOptions(): CacheOptions {
    return { ttl: 42 };
  }
}
@Module({ providers: [CacheOptionsFactory], exports: [CacheOptionsFactory] })
class CacheOptionsModule {}

test('setClassMethodName, setFactoryMethodName, moduleName: forRoot, forRootAsync with useClass or useExisting', async (t) => {
  assert.equal(cache.MODULE_OPTIONS_TOKEN, 'CACHE_MODULE_OPTIONS');
  const wrapped = await startApp({ imports: [CacheModule.forRoot({ ttl: 5 })], controllers: [CacheController] });
  t.after(wrapped.close);
  assert.deepEqual((await call(`${wrapped.url}/cache`)).body, { ttl: 5000 });
  const byClass = await startApp({ imports: [CacheModule.forRootAsync({ useClass: CacheOptionsFactory })], controllers: [CacheController] });
  t.after(byClass.close);
  assert.deepEqual((await call(`${byClass.url}/cache`)).body, { ttl: 42 });
  const existing = await startApp({
    imports: [CacheModule.forRootAsync({ imports: [CacheOptionsModule], useExisting: CacheOptionsFactory })],
    controllers: [CacheController],
  });
  t.after(existing.close);
  assert.deepEqual((await call(`${existing.url}/cache`)).body, { ttl: 42 });
});

test('mistakes get a code: no way to make the options, a factory class without its method, a type read as a value', async () => {
  assert.throws(
    () => ConfigModule.registerAsync({} as typeof ASYNC_OPTIONS_TYPE),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_MODULE_OPTIONS' && /ConfigModule\.registerAsync\(\).*useFactory/.test(error.message),
  );
  class NoMethod {}
  const moduleRef = Test.createTestingModule({ imports: [CacheModule.forRootAsync({ useClass: NoMethod as any })] }).compile();
  await assert.rejects(
    moduleRef,
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_MODULE_OPTIONS' && /NoMethod has no createCacheOptions\(\)/.test(error.message),
  );
  assert.throws(
    () => (OPTIONS_TYPE as any).folder,
    (error: StreamnestError) => error.code === 'SN_ERR_TYPE_ONLY' && /OPTIONS_TYPE/.test(error.message),
  );
  assert.equal(typeof MODULE_OPTIONS_TOKEN, 'string');
  assert.match(String(MODULE_OPTIONS_TOKEN), /^CONFIGURABLE_MODULE_OPTIONS\[/);
});

test('alwaysTransient: every call makes a module of its own', async (t) => {
  const transient = new ConfigurableModuleBuilder<{ name: string }>({ alwaysTransient: true }).build();
  @Injectable()
  class Named {
    constructor(@Inject(transient.MODULE_OPTIONS_TOKEN) readonly options: { name: string }) {}
  }
  @Module({ providers: [Named], exports: [Named] })
  class NamedModule extends transient.ConfigurableModuleClass {}
  const one = NamedModule.register({ name: 'a' });
  const two = NamedModule.register({ name: 'a' });
  assert.notDeepEqual(one.providers, two.providers);
  const moduleRef = await Test.createTestingModule({ imports: [one] }).compile();
  t.after(() => moduleRef.close());
  assert.deepEqual(moduleRef.get(Named).options, { name: 'a' });
});
