import { INestApplication } from 'streamnest';
import { Test } from 'streamnest/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';

describe('AppModule (ESM e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleFixture = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleFixture.createNestApplication();
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('/greetings/2 (GET)', () => {
    return request(app.getHttpServer())
      .get('/greetings/2')
      .expect(200)
      .expect({ greeting: 'Hello world! Hello world!' });
  });

  it('/greetings (POST) validates with class-validator, loaded lazily', async () => {
    await request(app.getHttpServer()).post('/greetings').send({ name: 'Ada' }).expect(201).expect({ greeting: 'Hello Ada!' });
    await request(app.getHttpServer()).post('/greetings').send({ name: '' }).expect(400);
  });
});
