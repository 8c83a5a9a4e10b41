// app.setGlobalPrefix(prefix, { exclude }) as in NestJS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Module, Post, RequestMethod, type MiddlewareConsumer, type NestModule, type NextFunction, type StreamnestError } from 'streamnest';
import { Test } from 'streamnest/testing';
import { startApp } from '../support/app.js';
import { call } from './support.js';

@Controller('health')
class HealthController {
  @Get() get() {
    return 'healthy';
  }
  @Get('deep/:part') deep() {
    return 'deep';
  }
}

@Controller('metrics')
class MetricsController {
  @Get() get() {
    return 'metrics';
  }
  @Post() post() {
    return 'posted';
  }
}

@Controller('cats')
class CatsController {
  @Get() list() {
    return 'cats';
  }
}

const controllers = [HealthController, MetricsController, CatsController];

test('exclude keeps paths (every method) and { path, method } out of the prefix', async (t) => {
  const { url, close } = await startApp({ controllers }, (app) => {
    app.setGlobalPrefix('api', { exclude: ['health', 'health/(.*)', { path: 'metrics', method: RequestMethod.GET }] });
  });
  t.after(close);
  assert.equal((await call(`${url}/health`)).text, 'healthy');
  assert.equal((await call(`${url}/api/health`)).status, 404);
  assert.equal((await call(`${url}/health/deep/x`)).text, 'deep');
  assert.equal((await call(`${url}/metrics`)).text, 'metrics');
  assert.equal((await call(`${url}/api/metrics`, { method: 'POST' })).text, 'posted');
  assert.equal((await call(`${url}/metrics`, { method: 'POST' })).status, 405);
  assert.equal((await call(`${url}/api/cats`)).text, 'cats');
  assert.equal((await call(`${url}/cats`)).status, 404);
});

test('module middleware: paths get the prefix unless excluded; * covers the prefix and the excluded routes', async (t) => {
  const seen: string[] = [];
  const record = (name: string) => (req: IncomingMessage, _res: ServerResponse, next: NextFunction) => {
    seen.push(`${name} ${req.url}`);
    next();
  };
  @Module({ controllers })
  class AppModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer.apply(record('cats')).forRoutes('cats');
      consumer.apply(record('health')).forRoutes('health');
      consumer.apply(record('all')).forRoutes('*');
    }
  }
  const { url, close } = await startApp({ imports: [AppModule] }, (app) => {
    app.setGlobalPrefix('api', { exclude: ['health'] });
  });
  t.after(close);
  await call(`${url}/api/cats`);
  await call(`${url}/health`);
  await call(`${url}/api`);
  await call(`${url}/elsewhere`);
  assert.deepEqual(seen, ['cats /api/cats', 'all /api/cats', 'health /health', 'all /health', 'all /api']);
});

test('setGlobalPrefix() refuses malformed options at once', async () => {
  const moduleRef = await Test.createTestingModule({ controllers }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  assert.throws(
    () => app.setGlobalPrefix('api', { exclude: [{ path: 'x' } as any] }),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_GLOBAL_PREFIX',
  );
  assert.throws(
    () => app.setGlobalPrefix('api', { exclude: ['a/(b'] }),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_ROUTE_PATTERN',
  );
  assert.throws(
    () => app.setGlobalPrefix(42 as any),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_GLOBAL_PREFIX',
  );
  await app.close();
});
