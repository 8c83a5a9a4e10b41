import { INestApplication, VersioningType } from 'streamnest';
import { Test, TestingModule } from 'streamnest/testing';
import request from 'supertest';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module';
import { LogStore } from '../src/common/log.store';

describe('showcase (e2e)', () => {
  let app: INestApplication;
  let moduleFixture: TestingModule;

  beforeAll(async () => {
    moduleFixture = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleFixture.createNestApplication();
    app.enableVersioning({ type: VersioningType.URI });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('GET /v1/cats with a default and a parsed query value', async () => {
    await request(app.getHttpServer()).get('/v1/cats').expect(200).expect([{ id: 1, name: 'Tom', age: 3 }]);
    await request(app.getHttpServer()).get('/v1/cats?limit=0').expect(200).expect([]);
  });

  it('GET /v2/cats comes from the version 2 handler; an unknown version is a 404', async () => {
    const res = await request(app.getHttpServer()).get('/v2/cats').expect(200);
    expect(res.body.version).toBe(2);
    await request(app.getHttpServer()).get('/v3/cats').expect(404);
  });

  it('a pipe failure is a Nest-shaped 400, and the logging interceptor saw it', async () => {
    const store = app.get(LogStore);
    store.lines.length = 0;
    await request(app.getHttpServer())
      .get('/v1/cats/abc')
      .expect(400)
      .expect({ message: 'Validation failed (numeric string is expected)', error: 'Bad Request', statusCode: 400 });
    expect(store.lines).toEqual(['GET /v1/cats/abc failed 400']);
  });

  it('NotFoundException from a service', () => {
    return request(app.getHttpServer()).get('/v1/cats/99').expect(404).expect({ message: 'Cat #99 not found', error: 'Not Found', statusCode: 404 });
  });

  it('the APP_GUARD: 401 without a token, 403 without the role, 201 for an admin with a validated, whitelisted body', async () => {
    await request(app.getHttpServer()).post('/v1/cats').send({ name: 'Kit', age: 1 }).expect(401).expect({ message: 'Unauthorized', statusCode: 401 });
    await request(app.getHttpServer()).post('/v1/cats').set('Authorization', 'Bearer user-token').send({ name: 'Kit', age: 1 })
      .expect(403).expect({ message: 'Admins only', error: 'Forbidden', statusCode: 403 });
    const bad = await request(app.getHttpServer()).post('/v1/cats').set('Authorization', 'Bearer admin-token').send({ name: 3, age: -1 }).expect(400);
    expect(bad.body.message).toEqual(expect.arrayContaining(['name must be a string', 'age must not be less than 0']));
    await request(app.getHttpServer()).post('/v1/cats').set('Authorization', 'Bearer admin-token').send({ name: 'Kit', age: 1, extra: 'stripped' })
      .expect(201).expect({ id: 2, name: 'Kit', age: 1, by: 'ada' });
  });

  it('@HttpCode(204) on DELETE', () => {
    return request(app.getHttpServer()).delete('/v1/cats/1').set('Authorization', 'Bearer admin-token').expect(204);
  });

  it('module middleware: class middleware with DI and a function, excluded where configured', async () => {
    const res = await request(app.getHttpServer()).get('/v1/cats').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^req-\d+$/);
    expect(res.headers['x-powered-by']).toBe('showcase');
    const excluded = await request(app.getHttpServer()).get('/v1/cats/export').expect(200);
    expect(excluded.headers['x-request-id']).toBeUndefined();
    const users = await request(app.getHttpServer()).get('/users').expect(200);
    expect(users.headers['x-powered-by']).toBe('showcase');
    expect(users.headers['x-request-id']).toBeUndefined();
  });

  it('StreamableFile with its type and the @Header disposition', async () => {
    const res = await request(app.getHttpServer()).get('/v1/cats/export').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="cats.csv"');
    expect(res.text).toBe('id,name\n1,Tom\n');
  });

  it('a timeout interceptor with rxjs turns a slow handler into a 408', () => {
    return request(app.getHttpServer()).get('/v1/cats/slow').expect(408);
  });

  it('@Res() with Express methods, and @Res({ passthrough: true })', async () => {
    await request(app.getHttpServer()).post('/v1/cats/express').send({ name: 'Kit' }).expect(202).expect({ accepted: 'Kit' });
    const res = await request(app.getHttpServer()).get('/v1/cats/1/owner').expect(200).expect({ owner: 'Jon' });
    expect(res.headers['x-owner-lookup']).toBe('yes');
    const page = await request(app.getHttpServer()).get('/page').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('the catch-all filter answers unknown errors through the HttpAdapterHost', () => {
    return request(app.getHttpServer()).get('/v1/cats/1/boom').expect(500).expect({ statusCode: 500, path: '/v1/cats/1/boom', message: 'Something broke' });
  });

  it('ClassSerializerInterceptor with @Exclude, @Expose, @Transform and @SerializeOptions', async () => {
    await request(app.getHttpServer()).get('/users').expect(200).expect({ id: 1, firstName: 'Kamil', lastName: 'Mysliwiec', fullName: 'Kamil Mysliwiec', role: 'admin' });
    await request(app.getHttpServer()).get('/users/plain').expect(200).expect({ id: 2 });
  });

  it('a request-scoped provider with REQUEST, and ModuleRef', async () => {
    await request(app.getHttpServer()).get('/whoami').set('x-agent', 'jest').expect(200).expect({ agent: 'jest', greeting: 'Hello' });
    await request(app.getHttpServer()).get('/whoami').expect(200).expect({ agent: 'unknown', greeting: 'Hello' });
  });

  it('@Sse with an rxjs Observable streams MessageEvents', async () => {
    const server = app.getHttpServer() as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        http.get({ port, host: '127.0.0.1', path: '/sse', headers: { accept: 'text/event-stream' } }, (res) => {
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => { text += chunk; });
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(body.match(/^data: .*$/gm)).toEqual(['data: {"hello":"world","n":0}', 'data: {"hello":"world","n":1}', 'data: {"hello":"world","n":2}']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
