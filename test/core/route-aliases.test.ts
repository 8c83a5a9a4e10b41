// Route aliases, as deno_nest has them: a controller or a route reachable under extra paths,
// outside the global prefix unless the alias starts with ${prefix}.
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: aliases name their templates in plain strings, on purpose */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Controller,
  Get,
  Module,
  NestFactory,
  Post,
  Version,
  VersioningType,
  type MiddlewareConsumer,
  type NestModule,
  type NextFunction,
  type StreamnestError,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { CaptureLogger, call, rawRequest } from './support.js';

test('a controller alias serves every route under another path, outside the global prefix; ${prefix} and ${controller} put them back', async (t) => {
  let built = 0;
  @Controller('users', { alias: ['/v1/users', '${prefix}/people', '${prefix}/v2/${controller}'] })
  class UsersController {
    constructor() {
      built++;
    }
    @Get(':id') one() {
      return 'user';
    }
    @Post() create() {
      return 'created';
    }
  }
  const { url, close } = await startApp({ controllers: [UsersController] }, (app) => {
    app.setGlobalPrefix('api');
  });
  t.after(close);
  assert.equal((await call(`${url}/api/users/7`)).text, 'user');
  assert.equal((await call(`${url}/v1/users/7`)).text, 'user', 'an alias skips the prefix');
  assert.equal((await call(`${url}/api/v1/users/7`)).status, 404);
  assert.equal((await call(`${url}/api/people/7`)).text, 'user', '${prefix} gives the prefix back');
  assert.equal((await call(`${url}/people/7`)).status, 404);
  assert.equal((await call(`${url}/api/v2/users/7`)).text, 'user', '${controller} is the controller path');
  assert.equal((await call(`${url}/v1/users`, { method: 'POST' })).status, 201, 'every route of the controller, every method');
  assert.equal((await call(`${url}/v1/users`, { method: 'HEAD' })).status, 405, 'a POST alias gets no HEAD');
  assert.equal((await call(`${url}/v1/users/7`, { method: 'HEAD' })).status, 200, 'a GET alias answers HEAD too');
  assert.equal(built, 1, 'one controller, one compiled handler, whatever the number of paths');
});

test('a route alias is a full path (not under the controller); ${method} is the route path; isAliasOnly serves only the aliases', async (t) => {
  @Controller('user', { alias: '/v1/user' })
  class UserController {
    @Get('info', { alias: '/legacy/info' }) info() {
      return 'info';
    }
    @Get('card', { alias: '${prefix}/v3/${controller}/${method}' }) card() {
      return 'card';
    }
    @Get('/v2/user/info', { isAliasOnly: true }) info2() {
      return 'info2';
    }
    @Get('old', { alias: ['/older', '/oldest'], isAliasOnly: true }) old() {
      return 'old';
    }
  }
  const { url, close } = await startApp({ controllers: [UserController] }, (app) => {
    app.setGlobalPrefix('api');
  });
  t.after(close);
  const text = async (path: string) => {
    const res = await call(url + path);
    return res.status === 200 ? res.text : res.status;
  };
  assert.equal(await text('/api/user/info'), 'info');
  assert.equal(await text('/legacy/info'), 'info');
  assert.equal(await text('/v1/user/info'), 'info', 'the controller alias applies to the route too');
  assert.equal(await text('/api/user/legacy/info'), 404);
  assert.equal(await text('/api/v3/user/card'), 'card');
  assert.equal(await text('/v2/user/info'), 'info2', 'isAliasOnly: the path taken as a full path');
  assert.equal(await text('/api/user/v2/user/info'), 404, 'isAliasOnly: not at the usual path');
  assert.equal(await text('/v1/user/v2/user/info'), 404, 'isAliasOnly: not under the controller alias');
  assert.equal(await text('/older'), 'old');
  assert.equal(await text('/oldest'), 'old');
  assert.equal(await text('/api/user/old'), 404);
});

test('an alias-only controller without an alias takes its path as a full path, outside the prefix', async (t) => {
  @Controller('/v1/hooks', { isAliasOnly: true })
  class HooksController {
    @Get() list() {
      return 'hooks';
    }
  }
  const { url, close } = await startApp({ controllers: [HooksController] }, (app) => {
    app.setGlobalPrefix('api');
  });
  t.after(close);
  assert.equal((await call(`${url}/v1/hooks`)).text, 'hooks');
  assert.equal((await call(`${url}/api/v1/hooks`)).status, 404);
});

test('aliases are logged as mapped routes, marked (alias)', async () => {
  @Controller({ path: 'cats', alias: '/kitties' })
  class CatsController {
    @Get() list() {
      return [];
    }
  }
  @Module({ controllers: [CatsController] })
  class AppModule {}
  const logger = new CaptureLogger();
  const app = await NestFactory.create(AppModule, { logger });
  await app.init();
  await app.close();
  const mapped = logger.lines.filter((l) => l.message.startsWith('Mapped')).map((l) => l.message);
  assert.ok(mapped.includes('Mapped {/cats, GET} route'), mapped.join('\n'));
  assert.ok(mapped.includes('Mapped {/kitties, GET} (alias) route'), mapped.join('\n'));
});

test('URI versioning: an alias gets the version after its prefix part; header versioning: the same constraint', async (t) => {
  @Controller({ path: 'cats', version: '1', alias: ['/felines', '${prefix}/mogs'] })
  class CatsV1 {
    @Get() list() {
      return 'v1';
    }
    @Version('2') @Get('new') fresh() {
      return 'v2';
    }
  }
  const uri = await startApp({ controllers: [CatsV1] }, (app) => {
    app.setGlobalPrefix('api');
    app.enableVersioning({ type: VersioningType.URI });
  });
  t.after(uri.close);
  assert.equal((await call(`${uri.url}/v1/felines`)).text, 'v1');
  assert.equal((await call(`${uri.url}/api/v1/mogs`)).text, 'v1');
  assert.equal((await call(`${uri.url}/v2/felines/new`)).text, 'v2');
  assert.equal((await call(`${uri.url}/felines`)).status, 404, 'an alias keeps the version');

  @Controller({ path: 'dogs', alias: '/hounds' })
  class DogsV1 {
    @Version('1') @Get() list() {
      return 'dogs v1';
    }
  }
  @Controller({ path: 'dogs', alias: '/hounds' })
  class DogsV2 {
    @Version('2') @Get() list() {
      return 'dogs v2';
    }
  }
  const header = await startApp({ controllers: [DogsV1, DogsV2] }, (app) => {
    app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' });
  });
  t.after(header.close);
  assert.equal((await call(`${header.url}/hounds`, { headers: { 'X-Version': '1' } })).text, 'dogs v1');
  assert.equal((await call(`${header.url}/hounds`, { headers: { 'X-Version': '2' } })).text, 'dogs v2', 'no conflict: versions tell the aliases apart');
  assert.equal((await call(`${header.url}/hounds`, { headers: { 'X-Version': '3' } })).status, 404);
});

test('host routing: an alias answers only on its controller host', async (t) => {
  @Controller({ host: 'admin.example.com', path: 'who', alias: '/me' })
  class Admin {
    @Get() who() {
      return 'admin';
    }
  }
  const { url, close } = await startApp({ controllers: [Admin] });
  t.after(close);
  const status = async (host: string) => (await rawRequest(url, `GET /me HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).split(' ')[1];
  assert.equal(await status('admin.example.com'), '200');
  assert.equal(await status('other.example.com'), '404');
});

test('middleware forRoutes(Controller) runs on the aliases too, prefixed or not', async (t) => {
  const seen: string[] = [];
  @Controller('items', { alias: ['/things', '${prefix}/stuff'] })
  class ItemsController {
    @Get(':id', { alias: '/one/:id' }) one() {
      return 'item';
    }
  }
  @Controller('other')
  class OtherController {
    @Get() other() {
      return 'other';
    }
  }
  @Module({ controllers: [ItemsController, OtherController] })
  class ItemsModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer
        .apply((req: IncomingMessage, _res: ServerResponse, next: NextFunction) => {
          seen.push(req.url!);
          next();
        })
        .forRoutes(ItemsController);
    }
  }
  const { url, close } = await startApp({ imports: [ItemsModule] }, (app) => {
    app.setGlobalPrefix('api');
  });
  t.after(close);
  for (const path of ['/api/items/1', '/things/2', '/api/stuff/3', '/one/4', '/api/other']) assert.equal((await call(url + path)).status, 200, path);
  assert.deepEqual(seen, ['/api/items/1', '/things/2', '/api/stuff/3', '/one/4']);
});

test('an alias that collides with another route fails start-up with SN_ERR_ROUTE_CONFLICT, naming both', async () => {
  @Controller('a')
  class First {
    @Get('x') x() {
      return 1;
    }
  }
  @Controller('b', { alias: '/a' })
  class Second {
    @Get('x') y() {
      return 2;
    }
  }
  @Module({ controllers: [First, Second] })
  class DupModule {}
  const app = await NestFactory.create(DupModule, { logger: false });
  await assert.rejects(app.init(), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_ROUTE_CONFLICT');
    assert.match(error.message, /GET \/a\/x/);
    assert.match(error.message, /First\.x/);
    assert.match(error.message, /Second\.y \(alias\)/);
    return true;
  });
  await app.close();
});

test('a wrong alias option fails at decoration with SN_ERR_INVALID_ALIAS, saying what to write', () => {
  const invalid = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (error: StreamnestError) => {
      assert.ok(error instanceof TypeError);
      assert.equal(error.code, 'SN_ERR_INVALID_ALIAS');
      assert.match(error.message, pattern);
      return true;
    });
  invalid(() => Controller('x', { alias: 7 as never }), /@Controller\(\): an alias is a path string, got 7/);
  invalid(() => Controller('x', { alias: '/a/${method}' }), /unknown template \$\{method\}/);
  invalid(() => Get('x', { alias: '/v1/${prefix}/x' }), /\$\{prefix\} may only start an alias/);
  invalid(() => Get('x', { alias: '${prefix}/a/${prefix}' }), /\$\{prefix\} may only start an alias/);
  invalid(() => Get('x', { alias: '/${ctrl}/x' }), /@Get\(\): unknown template \$\{ctrl\}/);
  invalid(() => Get('x', { isAliasOnly: 'yes' as never }), /isAliasOnly is a boolean/);
});
