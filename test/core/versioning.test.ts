// Versioning as in NestJS: app.enableVersioning() with URI, HEADER, MEDIA_TYPE
// or CUSTOM; @Version() and @Controller({ version }); VERSION_NEUTRAL; defaultVersion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Controller,
  Get,
  Module,
  Post,
  Version,
  VERSION_NEUTRAL,
  VersioningType,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
  type NextFunction,
  type StreamnestError,
} from 'streamnest';
import { Test } from 'streamnest/testing';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startApp } from '../support/app.js';
import { call, CaptureLogger } from './support.js';

@Controller({ path: 'cats', version: '1' })
class CatsV1Controller {
  @Get() list() {
    return 'cats v1';
  }
  @Get(':id') one() {
    return 'cat v1';
  }
}

@Controller({ path: 'cats', version: '2' })
class CatsV2Controller {
  @Get() list() {
    return 'cats v2';
  }
  @Version(['3', '4'])
  @Get(':id')
  one() {
    return 'cat v3/4';
  }
}

@Controller('dogs')
class DogsController {
  @Version('1') @Get() v1() {
    return 'dogs v1';
  }
  @Version('2') @Get() v2() {
    return 'dogs v2';
  }
  @Version(VERSION_NEUTRAL) @Get('neutral') neutral() {
    return 'neutral';
  }
  @Version(['1', VERSION_NEUTRAL]) @Get('old') old() {
    return 'old or none';
  }
  @Get('plain') plain() {
    return 'plain';
  }
  @Post() create() {
    return 'created';
  }
}

const controllers = [CatsV1Controller, CatsV2Controller, DogsController];

test('URI: /v1/…, after the global prefix; several versions; VERSION_NEUTRAL and unversioned routes stay unprefixed', async (t) => {
  const { url, close } = await startApp({ controllers }, (app) => {
    app.setGlobalPrefix('api').enableVersioning({ type: VersioningType.URI });
  });
  t.after(close);
  assert.equal((await call(`${url}/api/v1/cats`)).text, 'cats v1');
  assert.equal((await call(`${url}/api/v2/cats`)).text, 'cats v2');
  assert.equal((await call(`${url}/api/v1/cats/7`)).text, 'cat v1');
  assert.equal((await call(`${url}/api/v3/cats/7`)).text, 'cat v3/4');
  assert.equal((await call(`${url}/api/v4/cats/7`)).text, 'cat v3/4');
  assert.equal((await call(`${url}/api/v2/cats/7`)).status, 404);
  assert.equal((await call(`${url}/api/v9/cats`)).status, 404);
  assert.equal((await call(`${url}/api/cats`)).status, 404);
  assert.equal((await call(`${url}/api/v1/dogs`)).text, 'dogs v1');
  assert.equal((await call(`${url}/api/v2/dogs`)).text, 'dogs v2');
  assert.equal((await call(`${url}/api/dogs/neutral`)).text, 'neutral');
  assert.equal((await call(`${url}/api/v1/dogs/old`)).text, 'old or none');
  assert.equal((await call(`${url}/api/dogs/old`)).text, 'old or none');
  assert.equal((await call(`${url}/api/dogs/plain`)).text, 'plain');
  assert.equal((await call(`${url}/api/dogs`, { method: 'POST' })).text, 'created');
});

test('URI: a prefix of your own, or none; defaultVersion for what declares none', async (t) => {
  const { url, close } = await startApp({ controllers: [DogsController] }, (app) => {
    app.enableVersioning({ type: VersioningType.URI, prefix: 'version-', defaultVersion: '7' });
  });
  t.after(close);
  assert.equal((await call(`${url}/version-1/dogs`)).text, 'dogs v1');
  assert.equal((await call(`${url}/version-7/dogs/plain`)).text, 'plain');
  assert.equal((await call(`${url}/dogs/plain`)).status, 404);
  assert.equal((await call(`${url}/dogs/neutral`)).text, 'neutral');
  const bare = await startApp({ controllers: [DogsController] }, (app) => {
    app.enableVersioning({ type: VersioningType.URI, prefix: false });
  });
  t.after(bare.close);
  assert.equal((await call(`${bare.url}/2/dogs`)).text, 'dogs v2');
});

test('HEADER: one path, a handler per version; no header reaches only neutral and unversioned routes; an unknown version is a 404', async (t) => {
  const { url, close } = await startApp({ controllers }, (app) => {
    app.enableVersioning({ type: VersioningType.HEADER, header: 'Custom-Header' });
  });
  t.after(close);
  const v = (version?: string) => (version === undefined ? {} : { headers: { 'Custom-Header': version } });
  assert.equal((await call(`${url}/cats`, v('1'))).text, 'cats v1');
  assert.equal((await call(`${url}/cats`, v('2'))).text, 'cats v2');
  assert.equal((await call(`${url}/cats/1`, v('4'))).text, 'cat v3/4');
  assert.equal((await call(`${url}/cats`, v('5'))).status, 404);
  assert.equal((await call(`${url}/cats`)).status, 404);
  assert.equal((await call(`${url}/dogs`, v('2'))).text, 'dogs v2');
  assert.equal((await call(`${url}/dogs/neutral`)).text, 'neutral');
  assert.equal((await call(`${url}/dogs/neutral`, v('9'))).text, 'neutral');
  assert.equal((await call(`${url}/dogs/old`)).text, 'old or none');
  assert.equal((await call(`${url}/dogs/old`, v('1'))).text, 'old or none');
  assert.equal((await call(`${url}/dogs/old`, v('2'))).status, 404);
  assert.equal((await call(`${url}/dogs/plain`, v('3'))).text, 'plain');
  // HEAD follows the GET of the same version; a wrong method is still a 405.
  assert.equal((await fetch(`${url}/dogs`, { method: 'HEAD', ...v('1') })).status, 200);
  const wrong = await call(`${url}/dogs`, { method: 'DELETE', ...v('1') });
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get('allow')!, /GET/);
});

test('MEDIA_TYPE: the version is read from Accept, after the key', async (t) => {
  const { url, close } = await startApp({ controllers }, (app) => {
    app.enableVersioning({ type: VersioningType.MEDIA_TYPE, key: 'v=' });
  });
  t.after(close);
  assert.equal((await call(`${url}/cats`, { headers: { Accept: 'application/json;v=2' } })).text, 'cats v2');
  assert.equal((await call(`${url}/cats`, { headers: { Accept: 'application/json;v=1' } })).text, 'cats v1');
  assert.equal((await call(`${url}/cats`, { headers: { Accept: 'application/json;v=8' } })).status, 404);
  assert.equal((await call(`${url}/cats`, { headers: { Accept: 'application/json' } })).status, 404);
  assert.equal((await call(`${url}/dogs/old`, { headers: { Accept: 'application/json' } })).text, 'old or none');
});

test('CUSTOM: the extractor may list versions, most wanted first; the first one served wins; a throwing extractor is a 500', async (t) => {
  const { url, close } = await startApp({ controllers }, (app) => {
    app.enableVersioning({
      type: VersioningType.CUSTOM,
      extractor: (req: IncomingMessage) => {
        if (req.headers['x-boom']) throw new Error('extractor failed');
        return String(req.headers['x-versions'] ?? '')
          .split(',')
          .filter(Boolean)
          .sort()
          .reverse();
      },
    });
  });
  t.after(close);
  assert.equal((await call(`${url}/cats`, { headers: { 'x-versions': '1,2,9' } })).text, 'cats v2');
  assert.equal((await call(`${url}/cats`, { headers: { 'x-versions': '1' } })).text, 'cats v1');
  assert.equal((await call(`${url}/cats/3`, { headers: { 'x-versions': '1,3' } })).text, 'cat v3/4');
  assert.equal((await call(`${url}/cats`, { headers: { 'x-versions': '9' } })).status, 404);
  assert.equal((await call(`${url}/cats`, { headers: { 'x-boom': '1' } })).status, 500);
});

test('the route log names the version', async (t) => {
  const logger = new CaptureLogger();
  const { close } = await startApp(
    { controllers: [DogsController] },
    (app) => {
      app.enableVersioning({ type: VersioningType.HEADER, header: 'v' });
    },
    { logger },
  );
  t.after(close);
  assert.match(logger.text(), /Mapped \{\/dogs, GET\} \(version: 2\) route/);
});

test('module middleware reaches the versioned paths of a controller (URI)', async (t) => {
  const seen: string[] = [];
  @Module({ controllers: [CatsV1Controller, DogsController] })
  class VersionedModule implements NestModule {
    configure(consumer: MiddlewareConsumer) {
      consumer
        .apply((req: IncomingMessage, _res: ServerResponse, next: NextFunction) => {
          seen.push(req.url!);
          next();
        })
        .forRoutes(CatsV1Controller, { path: 'dogs', method: RequestMethod.GET, version: '2' });
    }
  }
  const { url, close } = await startApp({ imports: [VersionedModule] }, (app) => {
    app.setGlobalPrefix('api').enableVersioning();
  });
  t.after(close);
  await call(`${url}/api/v1/cats`);
  await call(`${url}/api/v1/cats/3`);
  await call(`${url}/api/v1/dogs`);
  await call(`${url}/api/v2/dogs`);
  assert.deepEqual(seen, ['/api/v1/cats', '/api/v1/cats/3', '/api/v2/dogs']);
});

test('versioning mistakes are reported with a code', async () => {
  const enable = async (options: any) => {
    const moduleRef = await Test.createTestingModule({ controllers: [DogsController] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      app.enableVersioning(options);
    } finally {
      await app.close();
    }
  };
  for (const [options, pattern] of [
    [{ type: 42 }, /type must be/],
    [{ type: 'URI' }, /type must be/],
    [{ type: VersioningType.HEADER }, /header must be/],
    [{ type: VersioningType.MEDIA_TYPE, key: '' }, /key must be/],
    [{ type: VersioningType.CUSTOM }, /extractor must be/],
    [{ type: VersioningType.URI, prefix: 'a/b' }, /prefix must be/],
  ] as const) {
    await assert.rejects(enable(options), (error: StreamnestError) => error.code === 'SN_ERR_INVALID_VERSIONING' && pattern.test(error.message));
  }
  await assert.rejects(enable({ type: VersioningType.URI, defaultVersion: '' }), (error: StreamnestError) => error.code === 'SN_ERR_INVALID_VERSION');
  assert.throws(
    () => Version('1/2'),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_VERSION' && /@Version\(\)/.test(error.message),
  );
  assert.throws(
    () => Controller({ version: [] }),
    (error: StreamnestError) => error.code === 'SN_ERR_INVALID_VERSION',
  );
});

test('two handlers for one path and version are a route conflict', async () => {
  @Controller('x')
  class Twice {
    @Version('1') @Get() a() {
      return 'a';
    }
    @Version(['1', '2']) @Get() b() {
      return 'b';
    }
  }
  const moduleRef = await Test.createTestingModule({ controllers: [Twice] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.enableVersioning({ type: VersioningType.HEADER, header: 'v' });
  await assert.rejects(app.init(), (error: StreamnestError) => error.code === 'SN_ERR_ROUTE_CONFLICT' && /Twice\.b/.test(error.message));
  await app.close();
});
