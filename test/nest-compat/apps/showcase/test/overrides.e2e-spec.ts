import { CanActivate, ExecutionContext, INestApplication, Injectable, Module, VersioningType } from 'streamnest';
import { Test } from 'streamnest/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { AuthGuard } from '../src/common/auth.guard';
import { CatsService } from '../src/cats/cats.service';
import { TimeoutInterceptor } from '../src/common/timeout.interceptor';
import { UsersModule } from '../src/users/users.module';

@Injectable()
class AllowAll implements CanActivate {
  canActivate(context: ExecutionContext) {
    context.switchToHttp().getRequest().user = { name: 'tester', roles: ['admin'] };
    return true;
  }
}

@Module({})
class NoUsersModule {}

describe('overrides (e2e)', () => {
  let app: INestApplication;
  const catsService = { findAll: () => ['mocked'], findOne: () => ({ id: 1 }), create: jest.fn((dto) => ({ id: 7, ...dto })), ownerOf: () => 'x' };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(CatsService).useValue(catsService)
      .overrideGuard(AuthGuard).useClass(AllowAll)
      .overrideInterceptor(TimeoutInterceptor).useValue({ intercept: () => Promise.resolve('instant') })
      .overrideModule(UsersModule).useModule(NoUsersModule)
      .compile();
    app = moduleRef.createNestApplication();
    app.enableVersioning({ type: VersioningType.URI });
    await app.init();
  });

  afterAll(() => app.close());

  it('overrideProvider().useValue()', () => {
    return request(app.getHttpServer()).get('/v1/cats').expect(200).expect(['mocked']);
  });

  it('the APP_GUARD replaced with overrideGuard().useClass()', async () => {
    await request(app.getHttpServer()).post('/v1/cats').send({ name: 'Kit', age: 1 }).expect(201).expect({ id: 7, name: 'Kit', age: 1, by: 'tester' });
    expect(catsService.create).toHaveBeenCalledWith({ name: 'Kit', age: 1 });
  });

  it('overrideInterceptor()', () => {
    return request(app.getHttpServer()).get('/v1/cats/slow').expect(200).expect('instant');
  });

  it('overrideModule()', () => {
    return request(app.getHttpServer()).get('/users').expect(404);
  });
});
