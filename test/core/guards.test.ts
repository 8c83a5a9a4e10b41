import { Observable } from 'rxjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Controller, Get, Injectable, Reflector, SetMetadata, UnauthorizedException, UseGuards, type CanActivate, type ExecutionContext } from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

const Roles = (...roles: string[]) => SetMetadata('roles', roles);
const Public = () => SetMetadata('public', true);

@Injectable()
class Tokens {
  valid(token: string | undefined) {
    return token === 'letmein';
  }
}

@Injectable()
class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: Tokens,
  ) {}
  canActivate(ctx: ExecutionContext) {
    if (this.reflector.getAllAndOverride<boolean>('public', [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<IncomingMessage>();
    if (!this.tokens.valid(req.headers.authorization)) throw new UnauthorizedException('missing or bad token');
    return true;
  }
}

@Injectable()
class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  async canActivate(ctx: ExecutionContext) {
    await new Promise((r) => setImmediate(r));
    const roles = this.reflector.getAllAndMerge<string[]>('roles', [ctx.getClass(), ctx.getHandler()]);
    const role = ctx.switchToHttp().getRequest<IncomingMessage>().headers['x-role'];
    return roles.length === 0 || roles.includes(String(role));
  }
}

const seen: Array<{ handler: string; class: string; url: string | undefined; type: string }> = [];
class SpyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext) {
    seen.push({ handler: ctx.getHandler().name, class: ctx.getClass().name, url: ctx.switchToHttp().getRequest<IncomingMessage>().url, type: ctx.getType() });
    return true;
  }
}

@Controller('admin')
@UseGuards(AuthGuard, RolesGuard)
@Roles('admin')
class AdminController {
  @Get() dashboard() {
    return 'dashboard';
  }
  @Get('audit') @Roles('auditor') audit() {
    return 'audit';
  }
  @Get('health') @Public() health() {
    return 'ok';
  }
}

@Controller('spy')
class SpyController {
  @Get('x') @UseGuards(new SpyGuard()) spied() {
    return 'spied';
  }
  @Get('deny') @UseGuards({ canActivate: () => false }) denied() {
    return 'never';
  }
  @Get('observable')
  @UseGuards({
    canActivate: () =>
      new Observable<boolean>((o) => {
        o.next(false);
        o.next(true);
        o.complete();
      }),
  })
  observable() {
    return 'after observable';
  }
  @Get('throws')
  @UseGuards({
    canActivate: () => {
      throw new Error('guard bug');
    },
  })
  throws() {
    return 'never';
  }
  @Get('rejects')
  @UseGuards({
    canActivate: async () => {
      throw new TypeError('async guard bug');
    },
  })
  rejects() {
    return 'never';
  }
}

test('a guard that returns false is a 403 JSON, and the handler never runs', async (t) => {
  const { url, close } = await startApp({ controllers: [SpyController] });
  t.after(close);
  const res = await call(`${url}/spy/deny`);
  assert.equal(res.status, 403);
  assert.deepEqual(res.body, { statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' });
});

test('ExecutionContext gives the handler, the class and the request', async (t) => {
  const { url, close } = await startApp({ controllers: [SpyController] });
  t.after(close);
  seen.length = 0;
  assert.equal((await call(`${url}/spy/x?q=1`)).text, 'spied');
  assert.deepEqual(seen, [{ handler: 'spied', class: 'SpyController', url: '/spy/x?q=1', type: 'http' }]);
});

test('guards with DI, SetMetadata and Reflector: class and method metadata, async guards, a thrown 401', async (t) => {
  const { url, close } = await startApp({ controllers: [AdminController], providers: [Tokens] });
  t.after(close);
  assert.equal((await call(`${url}/admin`)).status, 401);
  assert.equal((await call(`${url}/admin`)).body.message, 'missing or bad token');
  const auth = { authorization: 'letmein' };
  assert.equal((await call(`${url}/admin`, { headers: { ...auth, 'x-role': 'guest' } })).status, 403);
  assert.equal((await call(`${url}/admin`, { headers: { ...auth, 'x-role': 'admin' } })).text, 'dashboard');
  assert.equal((await call(`${url}/admin/audit`, { headers: { ...auth, 'x-role': 'auditor' } })).text, 'audit', 'merged roles allow the auditor');
  assert.equal((await call(`${url}/admin/health`, { headers: { 'x-role': 'admin' } })).text, 'ok', '@Public skips auth');
});

test('a guard may answer with an Observable-like; its last value decides', async (t) => {
  const { url, close } = await startApp({ controllers: [SpyController] });
  t.after(close);
  assert.equal((await call(`${url}/spy/observable`)).text, 'after observable');
});

test('a guard that throws (sync or async) is a 500 without detail, and the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [SpyController] });
  t.after(close);
  for (const path of ['throws', 'rejects']) {
    const res = await call(`${url}/spy/${path}`);
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { statusCode: 500, message: 'Internal server error' });
  }
  assert.equal((await call(`${url}/spy/x`)).text, 'spied');
});

test('useGlobalGuards applies to every route, before controller guards', async (t) => {
  const order: string[] = [];
  const { url, close } = await startApp({ controllers: [SpyController] }, (app) => {
    app.useGlobalGuards({
      canActivate: (ctx: ExecutionContext) => {
        order.push('global');
        return ctx.switchToHttp().getRequest<IncomingMessage>().headers['x-ok'] === '1';
      },
    });
  });
  t.after(close);
  assert.equal((await call(`${url}/spy/x`)).status, 403);
  assert.equal((await call(`${url}/spy/x`, { headers: { 'x-ok': '1' } })).text, 'spied');
  assert.equal((await call(`${url}/nowhere`, { headers: { 'x-ok': '1' } })).status, 404);
  assert.deepEqual(order, ['global', 'global']);
});

test('a guard class whose dependency is missing fails at start-up, naming the guard, not at the first request', async () => {
  @Injectable()
  class NeedsTokens implements CanActivate {
    constructor(private readonly tokens: Tokens) {}
    canActivate() {
      return this.tokens.valid('x');
    }
  }
  @Controller('late')
  class LateController {
    @Get() @UseGuards(NeedsTokens) get() {
      return 'never';
    }
  }
  await assert.rejects(
    startApp({ controllers: [LateController] }),
    (error: Error & { code?: string }) => error.code === 'SN_ERR_MISSING_PROVIDER' && /NeedsTokens/.test(error.message) && /#0/.test(error.message),
  );
});
