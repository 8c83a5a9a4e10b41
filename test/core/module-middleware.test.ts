// Middleware bound in modules' configure(consumer), as NestJS binds it:
// consumer.apply(...).exclude(...).forRoutes(...), with classes built by the
// container and plain functions, matched on the canonical URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Controller,
  ForbiddenException,
  Get,
  Global,
  Inject,
  Injectable,
  Module,
  Param,
  Post,
  Req,
  REQUEST,
  RequestMethod,
  Scope,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
  type NextFunction,
  type StreamnestError,
} from 'streamnest';
import { Test } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { call, rawRequest } from './support.js';

type SeenRequest = IncomingMessage & { seen?: string[]; originalUrl?: string };

const mark = (name: string) => (req: SeenRequest, _res: ServerResponse, next: NextFunction) => {
  (req.seen ??= []).push(name);
  next();
};

@Injectable()
class Recorder {
  readonly label = 'from-di';
}

@Injectable()
class ClassMiddleware implements NestMiddleware {
  constructor(private readonly recorder: Recorder) {}
  use(req: SeenRequest, _res: ServerResponse, next: NextFunction) {
    (req.seen ??= []).push(`class:${this.recorder.label}`);
    next();
  }
}

@Injectable()
class SeenGuard implements CanActivate {
  canActivate(ctx: ExecutionContext) {
    const req = ctx.switchToHttp().getRequest<SeenRequest>();
    (req.seen ??= []).push('guard');
    return true;
  }
}

@Controller('cats')
@UseGuards(SeenGuard)
class CatsController {
  @Get() list(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [], url: req.url, originalUrl: req.originalUrl };
  }
  @Get(':id') one(@Req() req: SeenRequest, @Param('id') id: string) {
    return { id, seen: req.seen ?? [] };
  }
  @Post() create(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
}

@Controller('dogs')
class DogsController {
  @Get() list(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
  @Get('*') deep(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
}

@Controller()
class MiscController {
  @Get('catsx') catsx(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
  @Get('abcd') abcd(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
  @Get('ab/x/cd') abxcd(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
  @Get('health') health(@Req() req: SeenRequest) {
    return { seen: req.seen ?? [] };
  }
}

async function appWith(configure: (consumer: MiddlewareConsumer) => void, setup?: Parameters<typeof startApp>[1]) {
  @Module({ controllers: [CatsController, DogsController, MiscController], providers: [Recorder, SeenGuard] })
  class FeatureModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      configure(consumer);
    }
  }
  return startApp({ imports: [FeatureModule] }, setup);
}

test('configure(consumer): after app.use(), before guards; classes built with DI in their module; a bare path covers what is under it', async (t) => {
  const { url, close } = await appWith(
    (consumer) => consumer.apply(ClassMiddleware, mark('fn')).forRoutes('cats'),
    (app) => {
      app.use(mark('app.use'));
    },
  );
  t.after(close);
  assert.deepEqual((await call(`${url}/cats?q=1`)).body, {
    seen: ['app.use', 'class:from-di', 'fn', 'guard'],
    url: '/cats?q=1',
    originalUrl: '/cats?q=1',
  });
  assert.deepEqual((await call(`${url}/cats/7`)).body, { id: '7', seen: ['app.use', 'class:from-di', 'fn', 'guard'] });
  assert.deepEqual((await call(`${url}/cats`, { method: 'POST' })).body, { seen: ['app.use', 'class:from-di', 'fn', 'guard'] });
  assert.deepEqual((await call(`${url}/catsx`)).body, { seen: ['app.use'] });
  assert.deepEqual((await call(`${url}/dogs`)).body, { seen: ['app.use'] });
});

test('{ path, method } applies to that method only, on that path only (HEAD goes with GET)', async (t) => {
  const headSeen: string[] = [];
  const { url, close } = await appWith((consumer) =>
    consumer
      .apply(mark('get-only'), (req: SeenRequest, _res: ServerResponse, next: NextFunction) => {
        if (req.method === 'HEAD') headSeen.push(req.url!);
        next();
      })
      .forRoutes({ path: 'cats', method: RequestMethod.GET }),
  );
  t.after(close);
  assert.deepEqual((await call(`${url}/cats`)).body.seen, ['get-only', 'guard']);
  assert.deepEqual((await call(`${url}/cats`, { method: 'POST' })).body.seen, ['guard']);
  assert.deepEqual((await call(`${url}/cats/1`)).body.seen, ['guard']);
  assert.equal((await fetch(`${url}/cats`, { method: 'HEAD' })).status, 200);
  assert.deepEqual(headSeen, ['/cats']);
});

test('forRoutes(Controller) covers each of its routes, with their methods', async (t) => {
  const { url, close } = await appWith((consumer) => consumer.apply(mark('cats')).forRoutes(CatsController));
  t.after(close);
  assert.deepEqual((await call(`${url}/cats`)).body.seen, ['cats', 'guard']);
  assert.deepEqual((await call(`${url}/cats/5`)).body.seen, ['cats', 'guard']);
  assert.deepEqual((await call(`${url}/cats`, { method: 'POST' })).body.seen, ['cats', 'guard']);
  assert.deepEqual((await call(`${url}/dogs`)).body.seen, []);
  // DELETE /cats is no route of CatsController: the middleware does not run for it.
  const seen: string[] = [];
  const { url: url2, close: close2 } = await appWith((consumer) =>
    consumer
      .apply((req: SeenRequest, _res: ServerResponse, next: NextFunction) => {
        seen.push(`${req.method} ${req.url}`);
        next();
      })
      .forRoutes(CatsController),
  );
  t.after(close2);
  assert.equal((await call(`${url2}/cats`, { method: 'DELETE' })).status, 405);
  assert.deepEqual(seen, []);
});

test('wildcards: cats/* covers cats and below, ab*cd anything between, * every request (404s included)', async (t) => {
  const { url, close } = await appWith((consumer) =>
    consumer
      .apply(mark('cats/*'))
      .forRoutes('cats/*')
      .apply(mark('ab*cd'))
      .forRoutes({ path: 'ab*cd', method: RequestMethod.ALL })
      .apply(mark('dogs/*splat'))
      .forRoutes('dogs/*splat')
      .apply((_req: SeenRequest, res: ServerResponse, next: NextFunction) => {
        res.setHeader('X-All', 'yes');
        next();
      })
      .forRoutes('*'),
  );
  t.after(close);
  assert.deepEqual((await call(`${url}/cats`)).body.seen, ['cats/*', 'guard']);
  assert.deepEqual((await call(`${url}/cats/9`)).body.seen, ['cats/*', 'guard']);
  assert.deepEqual((await call(`${url}/abcd`)).body.seen, ['ab*cd']);
  assert.deepEqual((await call(`${url}/ab/x/cd`)).body.seen, ['ab*cd']);
  assert.deepEqual((await call(`${url}/catsx`)).body.seen, []);
  // Nest 11's named wildcard needs something after the slash.
  assert.deepEqual((await call(`${url}/dogs`)).body.seen, []);
  assert.deepEqual((await call(`${url}/dogs/a/b`)).body.seen, ['dogs/*splat']);
  const missing = await call(`${url}/no/such/route`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('x-all'), 'yes');
});

test('exclude() leaves routes out, by path and method; consumer calls chain, in order', async (t) => {
  const { url, close } = await appWith((consumer) => {
    consumer
      .apply(mark('first'))
      .exclude({ path: 'cats', method: RequestMethod.GET }, 'cats/:id')
      .forRoutes(CatsController)
      .apply(mark('second'))
      .forRoutes('cats');
    consumer.apply(mark('third')).exclude('dogs/(.*)').forRoutes('*');
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/cats`)).body.seen, ['second', 'third', 'guard']);
  assert.deepEqual((await call(`${url}/cats`, { method: 'POST' })).body.seen, ['first', 'second', 'third', 'guard']);
  assert.deepEqual((await call(`${url}/cats/3`)).body, { id: '3', seen: ['second', 'third', 'guard'] });
  assert.deepEqual((await call(`${url}/dogs/x`)).body.seen, []);
  assert.deepEqual((await call(`${url}/dogs`)).body.seen, []);
  assert.deepEqual((await call(`${url}/health`)).body.seen, ['third']);
});

test('one apply() runs once per request, even when several of its routes match', async (t) => {
  const { url, close } = await appWith((consumer) => consumer.apply(mark('once')).forRoutes('cats', CatsController, '*'));
  t.after(close);
  assert.deepEqual((await call(`${url}/cats/1`)).body.seen, ['once', 'guard']);
});

test('a middleware that throws an HttpException answers with it; next(err) and rejections answer 500', async (t) => {
  @Injectable()
  class DenyMiddleware implements NestMiddleware {
    use(req: SeenRequest, _res: ServerResponse, next: NextFunction) {
      if (req.headers['x-token'] !== 'ok') throw new ForbiddenException('no token');
      next();
    }
  }
  const { url, close } = await appWith((consumer) =>
    consumer
      .apply(DenyMiddleware)
      .forRoutes('cats')
      .apply((_req: SeenRequest, _res: ServerResponse, next: NextFunction) => next(new Error('secret detail')))
      .forRoutes('dogs')
      .apply(async () => {
        throw new Error('secret detail');
      })
      .forRoutes('health'),
  );
  t.after(close);
  const denied = await call(`${url}/cats`);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.message, 'no token');
  assert.equal((await call(`${url}/cats`, { headers: { 'x-token': 'ok' } })).status, 200);
  for (const path of ['dogs', 'health']) {
    const res = await call(`${url}/${path}`);
    assert.equal(res.status, 500, path);
    assert.doesNotMatch(res.text, /secret detail/);
  }
});

test('every spelling of a path meets the middleware: escapes, //, dot segments, absolute-form', async (t) => {
  const { url, close } = await appWith((consumer) =>
    consumer
      .apply((_req: SeenRequest, res: ServerResponse) => {
        res.statusCode = 401;
        res.end('stopped');
      })
      .forRoutes('cats'),
  );
  t.after(close);
  for (const target of ['/cats', '/%63ats', '//cats', '/x/../cats', '/cats/', '/./cats/1', 'http://h/cats/2', '/CATS/../cats']) {
    const response = await rawRequest(url, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(response, /^HTTP\/1.1 401/, target);
  }
});

test('configure() runs deepest modules first; middleware run global modules first, then from the root down', async (t) => {
  const configured: string[] = [];
  @Global()
  @Module({})
  class SharedModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      configured.push('Shared');
      consumer.apply(mark('shared')).forRoutes('*');
    }
  }
  @Module({ controllers: [CatsController], providers: [SeenGuard] })
  class LeafModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      configured.push('Leaf');
      consumer.apply(mark('leaf')).forRoutes('*');
    }
  }
  @Module({ imports: [LeafModule] })
  class MiddleModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      configured.push('Middle');
      consumer.apply(mark('middle')).forRoutes('*');
    }
  }
  const { url, close } = await startApp({ imports: [MiddleModule, SharedModule] });
  t.after(close);
  assert.deepEqual(configured, ['Leaf', 'Middle', 'Shared']);
  assert.deepEqual((await call(`${url}/cats`)).body.seen, ['shared', 'middle', 'leaf', 'guard']);
});

test('a class middleware that needs REQUEST is built per request', async (t) => {
  @Injectable({ scope: Scope.REQUEST })
  class RequestInfo {
    constructor(@Inject(REQUEST) readonly request: SeenRequest) {}
  }
  let built = 0;
  @Injectable()
  class PerRequestMiddleware implements NestMiddleware {
    constructor(private readonly info: RequestInfo) {
      built++;
    }
    use(req: SeenRequest, _res: ServerResponse, next: NextFunction) {
      (req.seen ??= []).push(this.info.request === req ? 'same-request' : 'other');
      next();
    }
  }
  @Module({ controllers: [CatsController], providers: [RequestInfo, SeenGuard] })
  class ScopedModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer.apply(PerRequestMiddleware).forRoutes('cats');
    }
  }
  const { url, close } = await startApp({ imports: [ScopedModule] });
  t.after(close);
  assert.deepEqual((await call(`${url}/cats`)).body.seen, ['same-request', 'guard']);
  assert.deepEqual((await call(`${url}/cats`)).body.seen, ['same-request', 'guard']);
  assert.equal(built, 2);
});

async function initError(configure: (consumer: MiddlewareConsumer) => void): Promise<StreamnestError> {
  @Module({ controllers: [CatsController], providers: [SeenGuard] })
  class BrokenModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      configure(consumer);
    }
  }
  const moduleRef = await Test.createTestingModule({ imports: [BrokenModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  try {
    await app.init();
  } catch (error) {
    return error as StreamnestError;
  } finally {
    await app.close();
  }
  throw new Error('init() did not fail');
}

test('mistakes are reported at start-up with a code, naming the module', async () => {
  class NoUse {}
  class NotAController {}
  const cases: Array<[(consumer: MiddlewareConsumer) => void, string, RegExp]> = [
    [(c) => c.apply('nope' as any).forRoutes('*'), 'SN_ERR_INVALID_MODULE_MIDDLEWARE', /BrokenModule\.configure.*apply\(\)/],
    [(c) => c.apply(NoUse).forRoutes('*'), 'SN_ERR_MIDDLEWARE_WITHOUT_USE', /NoUse.*BrokenModule/],
    [(c) => c.apply(mark('x')).forRoutes(NotAController), 'SN_ERR_INVALID_MODULE_MIDDLEWARE', /NotAController.*@Controller/],
    [(c) => c.apply(mark('x')).forRoutes(42 as any), 'SN_ERR_INVALID_MODULE_MIDDLEWARE', /forRoutes\(\)/],
    [
      (c) =>
        c
          .apply(mark('x'))
          .exclude(CatsController as any)
          .forRoutes('*'),
      'SN_ERR_INVALID_MODULE_MIDDLEWARE',
      /exclude\(\)/,
    ],
    [(c) => c.apply(mark('x')).forRoutes('cats/(\\d+)'), 'SN_ERR_INVALID_ROUTE_PATTERN', /BrokenModule.*cats\/\(/],
    [(c) => c.apply(mark('x')).forRoutes('cats/{x'), 'SN_ERR_INVALID_ROUTE_PATTERN', /without its '\}'/],
  ];
  for (const [configure, code, message] of cases) {
    const error = await initError(configure);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
  }
});

test("forRoutes(Controller) takes the router's own path syntax: regexp parameters, optional ones, literal + and !", async (t) => {
  @Controller('odd')
  class OddController {
    @Get('a+b!') plus(@Req() req: SeenRequest) {
      return { seen: req.seen ?? [] };
    }
    @Get('n/:id(^\\d+)') numbered(@Req() req: SeenRequest) {
      return { seen: req.seen ?? [] };
    }
    @Get('maybe/:id?') maybe(@Req() req: SeenRequest) {
      return { seen: req.seen ?? [] };
    }
  }
  @Module({ controllers: [OddController] })
  class OddModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer.apply(mark('odd')).forRoutes(OddController);
    }
  }
  const { url, close } = await startApp({ imports: [OddModule] });
  t.after(close);
  assert.deepEqual((await call(`${url}/odd/a+b!`)).body.seen, ['odd']);
  assert.deepEqual((await call(`${url}/odd/n/12`)).body.seen, ['odd']);
  assert.deepEqual((await call(`${url}/odd/maybe/1`)).body.seen, ['odd']);
  assert.deepEqual((await call(`${url}/odd/maybe`)).body.seen, ['odd']);
});
