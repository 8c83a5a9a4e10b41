import { INestApplication, ValidationPipe } from 'streamnest';
import { Test } from 'streamnest/testing';
import request from 'supertest';
import { CatsModule } from '../src/cats/cats.module';
import { CatsService } from '../src/cats/cats.service';

describe('Cats', () => {
  let app: INestApplication;
  const cats = [{ name: 'Pixel', age: 2, breed: 'Bombay' }];
  const catsService = {
    findAll: () => cats,
    findOne: (id: number) => cats[id],
    create: jest.fn(),
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CatsModule],
    })
      .overrideProvider(CatsService)
      .useValue(catsService)
      .compile();

    app = moduleRef.createNestApplication();
    app.useGlobalPipes(new ValidationPipe());
    await app.init();
  });

  it('/GET cats', () => {
    return request(app.getHttpServer())
      .get('/cats')
      .expect(200)
      .expect({ data: catsService.findAll() });
  });

  it('/GET cats/0', () => {
    return request(app.getHttpServer()).get('/cats/0').expect(200).expect(cats[0]);
  });

  it('/GET cats/abc is a 400 shaped by HttpExceptionFilter', async () => {
    const response = await request(app.getHttpServer()).get('/cats/abc').expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, path: '/cats/abc' });
    expect(typeof response.body.timestamp).toBe('string');
  });

  it('/POST cats without the admin role is a 403', () => {
    return request(app.getHttpServer())
      .post('/cats')
      .send({ name: 'Pixel', age: 2, breed: 'Bombay' })
      .expect(403);
  });

  it('/POST cats with an invalid body is a 400 from ValidationPipe', async () => {
    const response = await request(app.getHttpServer())
      .post('/cats')
      .set('x-roles', 'admin')
      .send({ name: 'Pixel', age: -1 })
      .expect(400);
    expect(response.body.path).toBe('/cats');
    expect(catsService.create).not.toHaveBeenCalled();
  });

  it('/POST cats as admin creates the cat', async () => {
    await request(app.getHttpServer())
      .post('/cats')
      .set('x-roles', 'admin')
      .send({ name: 'Tom', age: 3, breed: 'Tabby' })
      .expect(201);
    expect(catsService.create).toHaveBeenCalledWith({ name: 'Tom', age: 3, breed: 'Tabby' });
  });

  afterAll(async () => {
    await app.close();
  });
});
