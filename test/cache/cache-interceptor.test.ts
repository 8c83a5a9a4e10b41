import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import {
  APP_INTERCEPTOR,
  Controller,
  Get,
  getSSEStream,
  HostParam,
  HttpException,
  Inject,
  Injectable,
  Module,
  Param,
  Post,
  Query,
  Res,
  Sse,
  StreamableFile,
  Version,
  VersioningType,
  type ExpressResponse,
} from 'streamnest';
import { CACHE_MANAGER, Cache, CacheInterceptor, CacheKey, CacheModule, CacheTTL } from 'streamnest/cache';
import { startApp, type RunningApp } from '../support/app.js';
import { openSse } from '../support/sse-reader.js';
import { call } from '../core/support.js';

/** How many times each handler ran: a cached answer does not run it. */
const runs = new Map<string, number>();
const ran = (name: string) => {
  const n = (runs.get(name) ?? 0) + 1;
  runs.set(name, n);
  return n;
};

@Controller()
class ItemsController {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  @Get('items')
  items(@Query('q') q?: string) {
    return { q, n: ran(`items:${q}`) };
  }

  @Post('items')
  create() {
    return { n: ran('post') };
  }

  @Get('short')
  // Long enough that two requests in a row on a loaded CI machine fall inside it (150 ms once did not).
  @CacheTTL(1_000)
  short() {
    return { n: ran('short') };
  }

  @Get('keyed/:id')
  @CacheKey('the-keyed-route')
  keyed(@Param('id') id: string) {
    return { id, n: ran('keyed') };
  }

  @Get('cookie')
  cookie(@Res({ passthrough: true }) res: ExpressResponse) {
    res.cookie('session', String(ran('cookie')));
    return { ok: true };
  }

  @Get('not-found')
  notFound(@Res({ passthrough: true }) res: ExpressResponse) {
    res.status(404);
    return { n: ran('not-found') };
  }

  @Get('fails')
  fails() {
    const n = ran('fails');
    if (n === 1) throw new HttpException('not yet', 503);
    return { n };
  }

  @Get('file')
  file() {
    ran('file');
    return new StreamableFile(Readable.from(['a', 'b']));
  }

  @Get('raw')
  raw(@Res() res: ExpressResponse) {
    res.json({ n: ran('raw') });
  }

  @Sse('events')
  events() {
    const n = ran('events');
    const { write, end, body } = getSSEStream();
    write({ data: { n } });
    end();
    return body;
  }

  @Get('wrapped')
  async wrapped() {
    return this.cache.wrap('wrapped', async () => {
      await new Promise((r) => setTimeout(r, 50));
      return { n: ran('wrapped') };
    });
  }
}

@Controller({ host: ':tenant.localhost' })
class TenantController {
  @Get('tenant')
  tenant(@HostParam('tenant') tenant: string) {
    return { tenant, n: ran(`tenant:${tenant}`) };
  }
}

@Controller('versioned')
class VersionedController {
  @Get()
  @Version('1')
  one() {
    return { version: 1 };
  }
  @Get()
  @Version('2')
  two() {
    return { version: 2 };
  }
}

let running: RunningApp;
before(async () => {
  running = await startApp(
    {
      imports: [CacheModule.register({ ttl: 60_000, max: 3 })],
      controllers: [ItemsController, TenantController, VersionedController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: CacheInterceptor }],
    },
    (app) => {
      app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' });
    },
  );
});
after(() => running.close());

const get = async (path: string) => (await call(running.url + path)).body;

/** A GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(running.url);
    const req = http.get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
}

test('a GET is answered from the cache the second time, keyed by its URL with the query string', async () => {
  assert.deepEqual(await get('/items?q=a'), { q: 'a', n: 1 });
  assert.deepEqual(await get('/items?q=a'), { q: 'a', n: 1 });
  assert.deepEqual(await get('/items?q=b'), { q: 'b', n: 1 });
  assert.equal(runs.get('items:a'), 1);
});

test('a HEAD is neither answered from the cache nor stored in it (GET only, as Nest); a subclass may allow it', async (t) => {
  const head = (url: string) => fetch(url, { method: 'HEAD' }).then((res) => res.status);
  // Answered by the handler although the GET's answer is cached.
  assert.deepEqual(await get('/items?q=head'), { q: 'head', n: 1 });
  assert.equal(await head(`${running.url}/items?q=head`), 200);
  assert.equal(runs.get('items:head'), 2);
  // Not stored: the GET after a HEAD runs the handler too.
  assert.equal(await head(`${running.url}/items?q=head-first`), 200);
  assert.equal(await running.app.get<Cache>(CACHE_MANAGER).get('/items?q=head-first'), undefined);
  assert.deepEqual(await get('/items?q=head-first'), { q: 'head-first', n: 2 });

  @Injectable()
  class HeadToo extends CacheInterceptor {
    protected override allowedMethods = ['GET', 'HEAD'];
  }
  const other = await startApp({
    imports: [CacheModule.register({ ttl: 60_000 })],
    controllers: [ItemsController],
    providers: [{ provide: APP_INTERCEPTOR, useClass: HeadToo }],
  });
  t.after(() => other.close());
  assert.equal(await head(`${other.url}/items?q=head-too`), 200);
  assert.equal(await head(`${other.url}/items?q=head-too`), 200);
  assert.equal(runs.get('items:head-too'), 1);
});

test('the memory store keeps at most `max` entries, least recently used out first', async () => {
  await running.app.get<Cache>(CACHE_MANAGER).clear();
  await get('/items?q=lru1');
  await get('/items?q=lru2');
  await get('/items?q=lru3');
  await get('/items?q=lru1'); // touched: now the most recent
  await get('/items?q=lru4'); // max is 3: lru2 goes
  assert.deepEqual(await get('/items?q=lru1'), { q: 'lru1', n: 1 });
  assert.deepEqual(await get('/items?q=lru2'), { q: 'lru2', n: 2 });
});

test('@CacheTTL expires the entry after its time; @CacheKey shares one entry across URLs', async () => {
  assert.deepEqual(await get('/short'), { n: 1 });
  assert.deepEqual(await get('/short'), { n: 1 });
  await new Promise((r) => setTimeout(r, 1_100));
  assert.deepEqual(await get('/short'), { n: 2 });

  assert.deepEqual(await get('/keyed/1'), { id: '1', n: 1 });
  assert.deepEqual(await get('/keyed/2'), { id: '1', n: 1 }, 'the route key, not the URL');
  assert.deepEqual(await running.app.get<Cache>(CACHE_MANAGER).get('the-keyed-route'), { id: '1', n: 1 });
});

test('never cached: other methods, a Set-Cookie, a status outside 2xx, an error, a StreamableFile, a handler with @Res()', async () => {
  await call(`${running.url}/items`, { method: 'POST' });
  await call(`${running.url}/items`, { method: 'POST' });
  assert.equal(runs.get('post'), 2);

  const first = await call(`${running.url}/cookie`);
  const second = await call(`${running.url}/cookie`);
  assert.match(second.headers.get('set-cookie') ?? '', /session=2/);
  assert.match(first.headers.get('set-cookie') ?? '', /session=1/);

  assert.equal((await call(`${running.url}/not-found`)).status, 404);
  assert.deepEqual((await call(`${running.url}/not-found`)).body, { n: 2 });

  assert.equal((await call(`${running.url}/fails`)).status, 503);
  assert.deepEqual(await get('/fails'), { n: 2 });
  assert.deepEqual(await get('/fails'), { n: 2 }, 'the success after the error is cached');

  assert.equal((await call(`${running.url}/file`)).text, 'ab');
  assert.equal((await call(`${running.url}/file`)).text, 'ab');
  assert.equal(runs.get('file'), 2);

  assert.deepEqual(await get('/raw'), { n: 1 });
  assert.deepEqual(await get('/raw'), { n: 2 }, 'a handler that writes the response itself runs every time');
});

test('never cached: an SSE route streams to each client from its own handler run', async () => {
  for (const n of [1, 2]) {
    const sse = await openSse(`${running.url}/events`);
    assert.equal(sse.status, 200);
    await sse.waitFor((text) => text.includes(`data: {"n":${n}}`));
    await sse.ended;
  }
});

test('the key names the host on host-routed controllers, so one tenant never reads another tenant’s answer', async () => {
  assert.deepEqual((await getWithHost('/tenant', 'acme.localhost')).body, { tenant: 'acme', n: 1 });
  assert.deepEqual((await getWithHost('/tenant', 'globex.localhost')).body, { tenant: 'globex', n: 1 });
  assert.deepEqual((await getWithHost('/tenant', 'acme.localhost')).body, { tenant: 'acme', n: 1 });
});

test('the key names the version, so header versions of one URL keep their own answers', async () => {
  const v = async (version: string) => (await call(`${running.url}/versioned`, { headers: { 'x-version': version } })).body;
  assert.deepEqual(await v('1'), { version: 1 });
  assert.deepEqual(await v('2'), { version: 2 });
  assert.deepEqual(await v('1'), { version: 1 });
  assert.deepEqual(await v('2'), { version: 2 });
});

test('cache.wrap computes once for concurrent misses (single flight), then serves the stored value', async () => {
  const bodies = await Promise.all(Array.from({ length: 5 }, () => call(`${running.url}/wrapped?${Math.random()}`).then((r) => r.body)));
  assert.deepEqual(bodies, Array(5).fill({ n: 1 }));
  assert.equal(runs.get('wrapped'), 1);
});

test('the Cache service: get, set with a ttl, del, clear; wrong arguments are coded TypeErrors', async () => {
  const cache = running.app.get(Cache);
  assert.equal(cache, running.app.get(CACHE_MANAGER), 'the class is an alias of CACHE_MANAGER');
  assert.equal(await cache.get('nothing'), undefined);
  assert.deepEqual(await cache.set('k', { v: 1 }, 100), { v: 1 }, 'set returns the value');
  assert.deepEqual(await cache.get('k'), { v: 1 });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(await cache.get('k'), undefined, 'expired');
  await cache.set('k', null);
  assert.equal(await cache.get('k'), null, 'null is a value');
  assert.equal(await cache.del('k'), true);
  assert.equal(await cache.get('k'), undefined);
  await cache.set('k2', 2);
  await cache.clear();
  assert.equal(await cache.get('k2'), undefined);
  await assert.rejects(cache.set('k', undefined), { code: 'SN_ERR_INVALID_CACHE_OPTION', name: 'StreamnestTypeError' });
  await assert.rejects(cache.set('k', 1, -5), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
  await assert.rejects(cache.get(42 as never), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
  assert.throws(() => CacheTTL(-1), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
  assert.throws(() => CacheKey(''), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
  assert.throws(() => CacheModule.register({ max: 0 }) && new Cache({ max: 0 }), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
  assert.throws(() => new Cache({ stores: [{} as never] }), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
});

@Injectable()
class CacheSettings {
  readonly ttl = 40;
}
@Module({ providers: [CacheSettings], exports: [CacheSettings] })
class SettingsModule {}

test('CacheModule.registerAsync: options from a factory with inject and imports, and a failing factory stops start-up', async () => {
  const ttls: number[] = [];
  const asyncApp = await startApp({
    imports: [
      CacheModule.registerAsync({
        imports: [SettingsModule],
        inject: [CacheSettings],
        useFactory: async (settings: CacheSettings) => {
          ttls.push(settings.ttl);
          return { ttl: settings.ttl, max: 2 };
        },
      }),
    ],
  });
  try {
    assert.deepEqual(ttls, [40], 'the factory ran once, with the injected settings');
    const cache = asyncApp.app.get(Cache);
    await cache.set('a', 1);
    assert.equal(await cache.get('a'), 1);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await cache.get('a'), undefined, "the factory's ttl applies");
    await cache.set('x', 1);
    await cache.set('y', 2);
    await cache.set('z', 3);
    assert.equal(await cache.get('x'), undefined, 'and its max: the oldest of three went out');
  } finally {
    await asyncApp.close();
  }
  await assert.rejects(startApp({ imports: [CacheModule.registerAsync({ useFactory: async () => ({ max: 0 }) })] }), { code: 'SN_ERR_INVALID_CACHE_OPTION' });
});
