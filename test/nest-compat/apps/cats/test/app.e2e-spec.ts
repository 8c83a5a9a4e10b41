import { Test, TestingModule } from 'streamnest/testing';
import { INestApplication } from 'streamnest';
import request from 'supertest';
import { AppModule } from './../src/app.module';
import { LoggerMiddleware } from './../src/common/middleware/logger.middleware';

describe('AppController (e2e)', () => {
  let app: INestApplication;

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });

  afterEach(async () => {
    await app.close();
  });

  it('/ (GET)', () => {
    return request(app.getHttpServer())
      .get('/')
      .expect(200)
      .expect('Hello World!');
  });

  it('LoggerMiddleware runs for cats routes only', async () => {
    LoggerMiddleware.seen.length = 0;
    await request(app.getHttpServer()).get('/').expect(200);
    await request(app.getHttpServer()).get('/cats').expect(200);
    expect(LoggerMiddleware.seen).toEqual(['GET /cats']);
  });
});
