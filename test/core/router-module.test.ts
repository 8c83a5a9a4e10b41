import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Module, Param, RouterModule, type MiddlewareConsumer, type NestModule } from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

@Controller('users')
class AdminUsers {
  @Get() list() {
    return 'admin users';
  }
}
@Controller()
class AdminHome {
  @Get() home() {
    return 'admin home';
  }
}
@Module({ controllers: [AdminUsers, AdminHome] })
class AdminModule {}
@Controller('daily')
class Reports {
  @Get() daily() {
    return 'daily report';
  }
}
@Module({ controllers: [Reports] })
class ReportsModule {}
@Controller('free')
class Free {
  @Get() free() {
    return 'free';
  }
}

@Module({
  imports: [
    AdminModule,
    ReportsModule,
    RouterModule.register([{ path: 'admin', module: AdminModule, children: [{ path: 'reports', module: ReportsModule }] }]),
  ],
  controllers: [Free],
})
class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer
      .apply((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
        res.setHeader('x-admin', '1');
        next();
      })
      .forRoutes(AdminUsers);
  }
}

test('RouterModule puts a module, and its children, under a path; middleware for its controllers follows', async (t) => {
  const { url, close } = await startApp({ imports: [AppModule] }, (app) => {
    app.setGlobalPrefix('api');
  });
  t.after(close);
  assert.equal((await call(`${url}/api/admin`)).text, 'admin home');
  const users = await call(`${url}/api/admin/users`);
  assert.equal(users.text, 'admin users');
  assert.equal(users.headers.get('x-admin'), '1');
  assert.equal((await call(`${url}/api/admin/reports/daily`)).text, 'daily report');
  assert.equal((await call(`${url}/api/free`)).text, 'free');
  assert.equal((await call(`${url}/api/users`)).status, 404);
  assert.equal((await call(`${url}/api/admin/free`)).status, 404);
});

test('@Controller([...]) serves every route under each prefix, and module middleware for it follows both', async (t) => {
  @Controller(['pets', 'animals'])
  class Pets {
    @Get(':id') one(@Param('id') id: string) {
      return { id };
    }
  }
  @Module({ controllers: [Pets] })
  class PetsModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer
        .apply((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
          res.setHeader('x-pets', '1');
          next();
        })
        .forRoutes(Pets);
    }
  }
  const { url, close } = await startApp({ imports: [PetsModule] });
  t.after(close);
  for (const prefix of ['pets', 'animals']) {
    const res = await call(`${url}/${prefix}/7`);
    assert.deepEqual(res.body, { id: '7' }, prefix);
    assert.equal(res.headers.get('x-pets'), '1', prefix);
  }
});

test('@Controller({ host }) routes by host name (any port, any case) and @HostParam() reads its parameters; a route without host answers the rest', async (t) => {
  const { HostParam } = await import('streamnest');
  @Controller({ host: ':account.example.com', path: 'who' })
  class Tenant {
    @Get() who(@HostParam('account') account: string) {
      return { account };
    }
  }
  @Controller({ host: 'admin.example.com', path: 'who' })
  class Admin {
    @Get() who(@HostParam() all: object) {
      return { admin: true, all };
    }
  }
  @Controller({ host: /^(?<region>eu|us)\.api\.test$/, path: 'who' })
  class Regional {
    @Get() who(@HostParam('region') region: string) {
      return { region };
    }
  }
  @Controller('who')
  class Anyone {
    @Get() who() {
      return { anyone: true };
    }
  }
  const { url, close } = await startApp({ controllers: [Admin, Tenant, Regional, Anyone] });
  t.after(close);
  const { rawRequest } = await import('./support.js');
  const get = async (host: string) => {
    const raw = await rawRequest(url, `GET /who HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  };
  assert.deepEqual(await get('acme.example.com:8080'), { account: 'acme' });
  assert.deepEqual(await get('ADMIN.example.com'), { admin: true, all: {} });
  assert.deepEqual(await get('eu.api.test'), { region: 'eu' });
  assert.deepEqual(await get('elsewhere.test'), { anyone: true });
  assert.deepEqual(await get('a.b.example.com'), { anyone: true }, 'a host parameter is one label');
});
