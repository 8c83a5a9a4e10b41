import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyDecorators,
  Controller,
  Get,
  Header,
  HttpCode,
  Injectable,
  Reflector,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

const Roles = Reflector.createDecorator<string[]>();
const Public = Reflector.createDecorator();
const Level = Reflector.createDecorator<string, { level: string }>({ key: 'level', transform: (value) => ({ level: value.toUpperCase() }) });

@Injectable()
class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(ctx: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride(Public, [ctx.getHandler(), ctx.getClass()])) return true;
    const roles = this.reflector.getAllAndMerge(Roles, [ctx.getClass(), ctx.getHandler()]) as string[];
    const user = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['x-role'];
    return roles.length === 0 || (user !== undefined && roles.includes(user));
  }
}

@Injectable()
class SeenGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(ctx: ExecutionContext): boolean {
    const res = ctx.switchToHttp().getResponse<import('node:http').ServerResponse>();
    const own = this.reflector.get(Roles, ctx.getHandler());
    const level = this.reflector.get<{ level: string } | undefined>('level', ctx.getHandler());
    res.setHeader('X-Seen', JSON.stringify({ own: own ?? null, level: level ?? null, all: this.reflector.getAll(Roles, [ctx.getHandler(), ctx.getClass()]) }));
    return true;
  }
}

/** Several decorators as one, the NestJS way. */
function Auth(...roles: string[]) {
  return applyDecorators(Roles(roles), UseGuards(RolesGuard), HttpCode(202), Header('X-Auth', roles.join(',')));
}

const Api = (prefix: string) => applyDecorators(Controller(prefix), Roles(['staff']), UseGuards(SeenGuard, RolesGuard));

@Api('r')
class GuardedController {
  @Get('open') @Public() open() {
    return 'open';
  }
  @Get('admin') @Auth('admin') admin() {
    return 'admin area';
  }
  @Get('staff') staff() {
    return 'staff area';
  }
  @Get('level') @Level('high') @Public() level() {
    return 'level';
  }
}

test('a decorator made by Reflector.createDecorator is read by passing the decorator itself', async (t) => {
  const { url, close } = await startApp({ controllers: [GuardedController] });
  t.after(close);
  assert.equal((await call(`${url}/r/open`)).text, 'open');
  const denied = await call(`${url}/r/staff`);
  assert.equal(denied.status, 403);
  assert.deepEqual(denied.body, { message: 'Forbidden resource', error: 'Forbidden', statusCode: 403 });
  assert.equal((await call(`${url}/r/staff`, { headers: { 'x-role': 'staff' } })).text, 'staff area');
  const seen = JSON.parse((await call(`${url}/r/level`)).headers.get('x-seen')!);
  assert.deepEqual(seen, { own: null, level: { level: 'HIGH' }, all: [null, ['staff']] });
});

test('applyDecorators combines metadata, guards, status and headers, on methods and on classes', async (t) => {
  const { url, close } = await startApp({ controllers: [GuardedController] });
  t.after(close);
  // Class roles (staff) and method roles (admin) merge.
  for (const role of ['admin', 'staff']) {
    const res = await call(`${url}/r/admin`, { headers: { 'x-role': role } });
    assert.equal(res.status, 202, role);
    assert.equal(res.headers.get('x-auth'), 'admin');
    assert.equal(res.text, 'admin area');
  }
  assert.equal((await call(`${url}/r/admin`, { headers: { 'x-role': 'guest' } })).status, 403);
  assert.deepEqual(JSON.parse((await call(`${url}/r/admin`, { headers: { 'x-role': 'admin' } })).headers.get('x-seen')!).own, ['admin']);
});

test('createDecorator: KEY, a chosen key, a transform, and {} when used without a value', () => {
  const reflector = new Reflector();
  assert.equal(typeof Roles.KEY, 'string');
  assert.notEqual(Roles.KEY, Public.KEY);
  assert.equal(Level.KEY, 'level');
  class Target {
    @Public() @Level('low') handler() {}
  }
  assert.deepEqual(reflector.get(Public, Target.prototype.handler), {});
  assert.deepEqual(reflector.get(Level, Target.prototype.handler), { level: 'LOW' });
  assert.deepEqual(reflector.get(Level.KEY, Target.prototype.handler), { level: 'LOW' });
  assert.equal(reflector.get(Roles, Target.prototype.handler), undefined);
});

test('getAll, getAllAndOverride and getAllAndMerge merge as NestJS does', () => {
  const reflector = new Reflector();
  const on = (value: unknown) => {
    const f = () => {};
    SetMetadata('k', value)(f);
    return f;
  };
  const none = () => {};
  assert.deepEqual(reflector.getAll('k', [on(1), none, on(2)]), [1, undefined, 2]);
  assert.deepEqual(reflector.getAll('k', undefined as never), []);
  assert.equal(reflector.getAllAndOverride('k', [none, on('second'), on('third')]), 'second');
  assert.equal(reflector.getAllAndOverride('k', [none]), undefined);
  assert.deepEqual(reflector.getAllAndMerge('k', [none]), []);
  assert.deepEqual(reflector.getAllAndMerge('k', [on(['a']), on(['b', 'c'])]), ['a', 'b', 'c']);
  assert.deepEqual(reflector.getAllAndMerge('k', [on({ a: 1, b: 1 }), on({ b: 2 })]), { a: 1, b: 2 });
  assert.deepEqual(reflector.getAllAndMerge('k', [on({ only: true })]), { only: true });
  assert.deepEqual(reflector.getAllAndMerge('k', [on(['single'])]), ['single']);
  assert.deepEqual(reflector.getAllAndMerge('k', [on('x')]), ['x']);
  assert.deepEqual(reflector.getAllAndMerge('k', [on('x'), on('y'), on('z')]), ['x', 'y', 'z']);
});
