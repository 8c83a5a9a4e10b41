import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DiscoveryModule,
  DiscoveryService,
  MetadataScanner,
  LazyModuleLoader,
  APP_FILTER,
  APP_GUARD,
  APP_INTERCEPTOR,
  APP_PIPE,
  Catch,
  Controller,
  ContextIdFactory,
  ForbiddenException,
  Get,
  Inject,
  Injectable,
  Module,
  ModuleRef,
  NestFactory,
  Param,
  REQUEST,
  Scope,
  UseGuards,
  UseInterceptors,
  UsePipes,
  UseFilters,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type OnModuleInit,
  type PipeTransform,
  type StreamnestError,
} from 'streamnest';
import { Test } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { call } from './support.js';
import { AModule, AService } from './fixtures/circular-a.module.js';
import { BService } from './fixtures/circular-b.module.js';

@Injectable()
class Config {
  readonly header = 'x-api-key';
  readonly key = 'secret';
}

@Injectable()
class ApiKeyGuard implements CanActivate {
  constructor(private readonly config: Config) {}
  canActivate(context: ExecutionContext) {
    const req = context.switchToHttp().getRequest();
    return req.url.startsWith('/open') || req.headers[this.config.header] === this.config.key;
  }
}

@Injectable()
class StampInterceptor implements NestInterceptor {
  constructor(private readonly config: Config) {}
  async intercept(_context: ExecutionContext, next: CallHandler) {
    return { stamped: this.config.header, body: await next.handle() };
  }
}

@Injectable()
class UpperPipe implements PipeTransform {
  transform(value: unknown) {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

@Catch(ForbiddenException)
class ForbiddenFilter implements ExceptionFilter {
  constructor(private readonly config: Config) {}
  catch(_error: ForbiddenException, host: ArgumentsHost) {
    host.switchToHttp().getResponse().writeHead(401, { 'content-type': 'text/plain' }).end(`send ${this.config.header}`);
  }
}

@Controller()
class EchoController {
  @Get('open/:word') open(@Param('word') word: string) {
    return word;
  }
  @Get('closed/:word') closed(@Param('word') word: string) {
    return word;
  }
}

test('APP_GUARD, APP_INTERCEPTOR, APP_PIPE and APP_FILTER providers are global enhancers with dependencies injected', async (t) => {
  const { url, close } = await startApp({
    controllers: [EchoController],
    providers: [
      Config,
      { provide: APP_GUARD, useClass: ApiKeyGuard },
      { provide: APP_INTERCEPTOR, useClass: StampInterceptor },
      { provide: APP_PIPE, useClass: UpperPipe },
      { provide: APP_FILTER, useClass: ForbiddenFilter },
    ],
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/open/cat`)).body, { stamped: 'x-api-key', body: 'CAT' });
  const denied = await call(`${url}/closed/cat`);
  assert.equal(denied.status, 401);
  assert.equal(denied.text, 'send x-api-key');
  assert.deepEqual((await call(`${url}/closed/cat`, { headers: { 'x-api-key': 'secret' } })).body, { stamped: 'x-api-key', body: 'CAT' });
});

test('two APP_GUARD providers in two modules both apply, in module order', async (t) => {
  const seen: string[] = [];
  @Injectable()
  class First implements CanActivate {
    canActivate() {
      seen.push('first');
      return true;
    }
  }
  @Injectable()
  class Second implements CanActivate {
    canActivate() {
      seen.push('second');
      return true;
    }
  }
  @Module({ providers: [{ provide: APP_GUARD, useClass: Second }] })
  class Inner {}
  const { url, close } = await startApp({ imports: [Inner], controllers: [EchoController], providers: [{ provide: APP_GUARD, useClass: First }] });
  t.after(close);
  assert.equal((await call(`${url}/open/x`)).text, 'x');
  assert.deepEqual(seen.sort(), ['first', 'second']);
});

let requestCounter = 0;

@Injectable({ scope: Scope.REQUEST })
class RequestInfo {
  readonly serial = ++requestCounter;
  constructor(@Inject(REQUEST) readonly request: { url: string; headers: Record<string, string> }) {}
}

@Injectable()
class UsesRequestInfo {
  constructor(readonly info: RequestInfo) {}
}

@Injectable({ scope: Scope.TRANSIENT })
class Transient {
  static made = 0;
  readonly n = ++Transient.made;
}

@Injectable()
class HoldsTransientA {
  constructor(readonly t: Transient) {}
}
@Injectable()
class HoldsTransientB {
  constructor(readonly t: Transient) {}
}

@Controller('scoped')
class ScopedController {
  static instances = 0;
  constructor(
    private readonly info: RequestInfo,
    private readonly user: UsesRequestInfo,
  ) {
    ScopedController.instances++;
  }
  @Get() get() {
    assert.equal(this.user.info, this.info, 'one instance per request, shared by its consumers');
    return { url: this.info.request.url, serial: this.info.serial, who: this.info.request.headers['x-user'] };
  }
}

test('Scope.REQUEST: a provider (and what depends on it, up to the controller) is made per request, with REQUEST injected', async (t) => {
  const { url, close } = await startApp({ controllers: [ScopedController], providers: [RequestInfo, UsesRequestInfo] });
  t.after(close);
  const before = ScopedController.instances;
  const one = (await call(`${url}/scoped?a=1`, { headers: { 'x-user': 'ann' } })).body;
  const two = (await call(`${url}/scoped?a=2`, { headers: { 'x-user': 'bob' } })).body;
  assert.equal(one.url, '/scoped?a=1');
  assert.equal(one.who, 'ann');
  assert.equal(two.who, 'bob');
  assert.notEqual(one.serial, two.serial);
  assert.equal(ScopedController.instances - before, 2);
});

test('Scope.TRANSIENT: each consumer gets its own instance; a request-scoped provider outside a request is a clear error', async () => {
  const moduleRef = await Test.createTestingModule({ providers: [Transient, HoldsTransientA, HoldsTransientB, RequestInfo] }).compile();
  assert.notEqual(moduleRef.get(HoldsTransientA).t, moduleRef.get(HoldsTransientB).t);
  assert.throws(
    () => moduleRef.get(RequestInfo),
    (error: StreamnestError) => error.code === 'SN_ERR_NOT_INJECTABLE',
  );
  const contextId = ContextIdFactory.create();
  moduleRef.registerRequestByContextId({ url: '/fake', headers: {} }, contextId);
  const a = await moduleRef.resolve(RequestInfo, contextId);
  const b = await moduleRef.resolve(RequestInfo, contextId);
  const c = await moduleRef.resolve(RequestInfo);
  assert.equal(a, b, 'one instance per context');
  assert.notEqual(a, c);
  assert.notEqual(await moduleRef.resolve(Transient), await moduleRef.resolve(Transient));
});

test('forwardRef: two modules that import each other, and two providers that inject each other', async () => {
  const moduleRef = await Test.createTestingModule({ imports: [AModule] }).compile();
  const a = moduleRef.get(AService);
  const b = moduleRef.get(BService);
  assert.equal(a.partner(), 'b');
  assert.equal(b.partner(), 'a');
  assert.equal(a.b, b);
  assert.equal(b.a, a, 'the stand-in handed out early is the instance itself');
});

test('ModuleRef: get (strict by default), resolve and create', async () => {
  @Injectable()
  class Hidden {
    readonly name = 'hidden';
  }
  @Module({ providers: [Hidden] })
  class HiddenModule {}
  @Injectable()
  class Needs {
    constructor(readonly config: Config) {}
  }
  @Injectable()
  class Locator {
    constructor(readonly moduleRef: ModuleRef) {}
  }
  const moduleRef = await Test.createTestingModule({ imports: [HiddenModule], providers: [Config, Locator] }).compile();
  const locator = moduleRef.get(Locator);
  assert.ok(locator.moduleRef.get(Config) instanceof Config);
  assert.throws(
    () => locator.moduleRef.get(Hidden),
    (error: StreamnestError) => error.code === 'SN_ERR_NOT_INJECTABLE',
  );
  assert.equal(locator.moduleRef.get(Hidden, { strict: false }).name, 'hidden');
  const made = await locator.moduleRef.create(Needs);
  assert.ok(made.config instanceof Config);
  assert.notEqual(made, await locator.moduleRef.create(Needs));
  assert.equal(await locator.moduleRef.resolve(Config), locator.moduleRef.get(Config));
});

test('a module class gets its dependencies injected and its lifecycle hooks called', async () => {
  const calls: string[] = [];
  @Module({ providers: [Config] })
  class HookedModule implements OnModuleInit {
    constructor(readonly config: Config) {}
    onModuleInit() {
      calls.push(`init ${this.config.key}`);
    }
  }
  const context = await NestFactory.createApplicationContext(HookedModule, { logger: false });
  assert.deepEqual(calls, ['init secret']);
  assert.ok(context.get(Config) instanceof Config);
  await context.close();
});

test('property injection with @Inject()', async () => {
  @Injectable()
  class WithProperty {
    @Inject() readonly config!: Config;
    @Inject('TOKEN') readonly token!: string;
  }
  const moduleRef = await Test.createTestingModule({ providers: [Config, WithProperty, { provide: 'TOKEN', useValue: 't' }] }).compile();
  assert.ok(moduleRef.get(WithProperty).config instanceof Config);
  assert.equal(moduleRef.get(WithProperty).token, 't');
});

test('testing overrides: overrideGuard, overrideInterceptor, overridePipe, overrideFilter and overrideModule', async (t) => {
  @Injectable()
  class DenyAll implements CanActivate {
    canActivate() {
      return false;
    }
  }
  @Injectable()
  class Wrap implements NestInterceptor {
    async intercept(_c: ExecutionContext, next: CallHandler) {
      return { wrapped: await next.handle() };
    }
  }
  @Injectable()
  class Reverse implements PipeTransform {
    transform(value: string) {
      return [...value].reverse().join('');
    }
  }
  @Catch()
  class Teapot implements ExceptionFilter {
    catch(_e: unknown, host: ArgumentsHost) {
      host.switchToHttp().getResponse().writeHead(418).end('teapot');
    }
  }
  @Injectable()
  class Real {
    readonly source = 'real';
  }
  @Module({ providers: [Real], exports: [Real] })
  class RealModule {}
  @Injectable()
  class Fake {
    readonly source = 'fake';
  }
  @Module({ providers: [{ provide: Real, useClass: Fake }], exports: [Real] })
  class FakeModule {}

  @Controller('o')
  @UseGuards(DenyAll)
  @UseInterceptors(Wrap)
  @UsePipes(Reverse)
  @UseFilters(Teapot)
  class Overridden {
    constructor(private readonly real: Real) {}
    @Get(':word') word(@Param('word') word: string) {
      return `${word} ${this.real.source}`;
    }
  }
  const moduleRef = await Test.createTestingModule({ imports: [RealModule], controllers: [Overridden] })
    .overrideGuard(DenyAll)
    .useValue({ canActivate: () => true })
    .overrideInterceptor(Wrap)
    .useValue({ intercept: async (_c: ExecutionContext, next: CallHandler) => ({ mocked: await next.handle() }) })
    .overridePipe(Reverse)
    .useClass(
      class {
        transform(value: string) {
          return value.toUpperCase();
        }
      },
    )
    .overrideFilter(Teapot)
    .useValue({ catch: (_e: unknown, host: ArgumentsHost) => host.switchToHttp().getResponse().writeHead(409).end('mocked filter') })
    .overrideModule(RealModule)
    .useModule(FakeModule)
    .compile();
  const app = moduleRef.createNestApplication();
  await app.listen({ port: 0, hostname: '127.0.0.1' });
  t.after(() => app.close());
  assert.deepEqual((await call(`${app.getUrl()}/o/abc`)).body, { mocked: 'ABC fake' });
});

test('useMocker makes a stand-in for every dependency nothing provides', async () => {
  @Injectable()
  class Db {
    query() {
      return 'real';
    }
  }
  @Injectable()
  class Repo {
    constructor(
      readonly db: Db,
      @Inject('CACHE') readonly cache: { get(): string },
    ) {}
  }
  const asked: unknown[] = [];
  const moduleRef = await Test.createTestingModule({ providers: [Repo] })
    .useMocker((token) => {
      asked.push(token);
      return token === Db ? { query: () => 'mocked' } : { get: () => 'cached' };
    })
    .compile();
  const repo = moduleRef.get(Repo);
  assert.equal(repo.db.query(), 'mocked');
  assert.equal(repo.cache.get(), 'cached');
  assert.deepEqual(asked, [Db, 'CACHE']);
});

test('@Controller({ scope: Scope.REQUEST }) makes one controller per request', async (t) => {
  let made = 0;
  @Controller({ path: 'per-request', scope: Scope.REQUEST })
  class PerRequest {
    readonly serial = ++made;
    @Get() get() {
      return { serial: this.serial };
    }
  }
  const { url, close } = await startApp({ controllers: [PerRequest] });
  t.after(close);
  const a = (await call(`${url}/per-request`)).body.serial;
  const b = (await call(`${url}/per-request`)).body.serial;
  assert.notEqual(a, b);
});

test('INQUIRER: a transient provider learns which class asked for it, as a Nest-style contextual logger does', async () => {
  const { INQUIRER, ConsoleLogger } = await import('streamnest');
  @Injectable({ scope: Scope.TRANSIENT })
  class ContextLogger {
    readonly context: string;
    constructor(@Inject(INQUIRER) parent: object) {
      this.context = parent?.constructor?.name ?? 'none';
    }
  }
  @Injectable()
  class CatsService {
    constructor(readonly logger: ContextLogger) {}
  }
  @Injectable()
  class DogsService {
    constructor(readonly logger: ContextLogger) {}
  }
  const moduleRef = await Test.createTestingModule({ providers: [ContextLogger, CatsService, DogsService] }).compile();
  assert.equal(moduleRef.get(CatsService).logger.context, 'CatsService');
  assert.equal(moduleRef.get(DogsService).logger.context, 'DogsService');
  // ConsoleLogger takes NestJS's constructor shapes too.
  assert.ok(new ConsoleLogger('Ctx', { prefix: 'App', logLevels: ['error'] }).isLevelEnabled('error'));
  assert.equal(new ConsoleLogger({ logLevels: ['warn'] }).isLevelEnabled('log'), false);
});

test('request-scoped guards, interceptors and filters (route-level and APP_*) are made per request; a request-scoped pipe is a start-up error', async (t) => {
  const made: string[] = [];
  @Injectable({ scope: Scope.REQUEST })
  class Tenant {
    readonly id: string;
    constructor(@Inject(REQUEST) req: { headers: Record<string, string> }) {
      this.id = req.headers['x-tenant'] ?? 'none';
      made.push(this.id);
    }
  }
  @Injectable()
  class TenantGuard implements CanActivate {
    constructor(private readonly tenant: Tenant) {}
    canActivate() {
      if (this.tenant.id === 'blocked') throw new ForbiddenException('tenant blocked');
      return true;
    }
  }
  @Injectable()
  class TenantInterceptor implements NestInterceptor {
    constructor(private readonly tenant: Tenant) {}
    async intercept(_c: ExecutionContext, next: CallHandler) {
      return { tenant: this.tenant.id, body: await next.handle() };
    }
  }
  @Catch()
  class TenantFilter implements ExceptionFilter {
    constructor(private readonly tenant: Tenant) {}
    catch(_e: unknown, host: ArgumentsHost) {
      host.switchToHttp().getResponse().writeHead(409).end(`failed for ${this.tenant.id}`);
    }
  }
  @Controller('tenant')
  @UseInterceptors(TenantInterceptor)
  @UseFilters(TenantFilter)
  class TenantController {
    @Get() get() {
      return 'ok';
    }
    @Get('fail') fail() {
      throw new Error('x');
    }
  }
  const { url, close } = await startApp({ controllers: [TenantController], providers: [Tenant, { provide: APP_GUARD, useClass: TenantGuard }] });
  t.after(close);
  assert.deepEqual((await call(`${url}/tenant`, { headers: { 'x-tenant': 'acme' } })).body, { tenant: 'acme', body: 'ok' });
  assert.deepEqual((await call(`${url}/tenant`, { headers: { 'x-tenant': 'globex' } })).body, { tenant: 'globex', body: 'ok' });
  const blocked = await call(`${url}/tenant`, { headers: { 'x-tenant': 'blocked' } });
  assert.equal(blocked.status, 409);
  assert.equal(blocked.text, 'failed for blocked');
  assert.deepEqual(made, ['acme', 'globex', 'blocked'], 'one Tenant per request, shared by the guard, interceptor and filter');

  @Injectable()
  class TenantPipe implements PipeTransform {
    constructor(readonly tenant: Tenant) {}
    transform(v: unknown) {
      return v;
    }
  }
  @Controller('p')
  @UsePipes(TenantPipe)
  class PipeController {
    @Get(':x') get(@Param('x') x: string) {
      return x;
    }
  }
  @Module({ controllers: [PipeController], providers: [Tenant] })
  class PipeModule {}
  const app = await NestFactory.create(PipeModule, { logger: false });
  await assert.rejects(app.init(), (error: StreamnestError) => error.code === 'SN_ERR_SCOPED_OUTSIDE_REQUEST' && /TenantPipe/.test(error.message));
});

test('DiscoveryService and MetadataScanner: a library finds the providers and methods a discoverable decorator marked', async () => {
  const Job = DiscoveryService.createDecorator<{ every: number }>();
  @Job({ every: 5 })
  @Injectable()
  class Cleaner {
    sweep() {
      return 'swept';
    }
    tidy() {
      return 'tidy';
    }
  }
  @Injectable()
  class Plain {
    run() {
      return 'plain';
    }
  }
  @Injectable()
  class Scheduler {
    found: string[] = [];
    constructor(
      private readonly discovery: DiscoveryService,
      private readonly scanner: MetadataScanner,
    ) {}
    onModuleInit() {
      for (const wrapper of this.discovery.getProviders({ metadataKey: Job.KEY })) {
        const { every } = this.discovery.getMetadataByDecorator(Job, wrapper)!;
        for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance)))
          this.found.push(`${wrapper.name}.${method} every ${every}`);
      }
    }
  }
  @Controller('found')
  class FoundController {
    @Get() get() {
      return 'x';
    }
  }
  @Module({ imports: [DiscoveryModule], providers: [Cleaner, Plain, Scheduler], controllers: [FoundController] })
  class AppMod {}
  const context = await NestFactory.createApplicationContext(AppMod, { logger: false });
  assert.deepEqual(context.get(Scheduler).found, ['Cleaner.sweep every 5', 'Cleaner.tidy every 5']);
  const discovery = context.get(DiscoveryService);
  assert.deepEqual(
    discovery.getControllers().map((w) => w.name),
    ['FoundController'],
  );
  assert.ok(discovery.getProviders().some((w) => w.metatype === Plain && w.instance instanceof Plain && w.isDependencyTreeStatic()));
  await context.close();
});

test('LazyModuleLoader loads a module after start-up: its providers see global and already-loaded modules, hooks run, a second load is the same', async () => {
  const { Global } = await import('streamnest');
  const calls: string[] = [];
  @Injectable()
  class Shared {
    readonly id = Math.random();
  }
  @Global()
  @Module({ providers: [Shared], exports: [Shared] })
  class SharedModule {}
  @Injectable()
  class Heavy {
    constructor(readonly shared: Shared) {}
    onModuleInit() {
      calls.push('heavy init');
    }
  }
  @Module({ providers: [Heavy], exports: [Heavy] })
  class HeavyModule {}
  @Injectable()
  class Loader {
    constructor(readonly lazy: LazyModuleLoader) {}
  }
  @Module({ imports: [SharedModule], providers: [Loader] })
  class Root {}
  const context = await NestFactory.createApplicationContext(Root, { logger: false });
  const loader = context.get(Loader).lazy;
  const ref = await loader.load(() => Promise.resolve(HeavyModule));
  const heavy = ref.get(Heavy);
  assert.equal(heavy.shared, context.get(Shared), 'the global provider is shared, not built again');
  assert.deepEqual(calls, ['heavy init']);
  assert.equal((await loader.load(() => HeavyModule)).get(Heavy), heavy);
  assert.deepEqual(calls, ['heavy init'], 'a second load builds nothing');
  await context.close();
});
