import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, MiddlewareConsumer, Module, NestModule, RequestMethod, ValidationPipe } from 'streamnest';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { AuthGuard } from './common/auth.guard';
import { LogStore } from './common/log.store';
import { LoggingInterceptor } from './common/logging.interceptor';
import { IdGenerator, poweredBy, RequestIdMiddleware } from './common/request-id.middleware';
import { CatsController } from './cats/cats.controller';
import { CatsModule } from './cats/cats.module';
import { ConfigModule } from './config/config.module';
import { EventsController } from './events/events.controller';
import { UsersModule } from './users/users.module';
import { WhoamiModule } from './whoami/whoami.module';

@Module({
  imports: [ConfigModule.register({ greeting: 'Hello' }), CatsModule, UsersModule, WhoamiModule],
  controllers: [EventsController],
  providers: [
    LogStore,
    IdGenerator,
    AuthGuard,
    // useExisting, as NestJS's docs advise, so a test can replace the guard with overrideGuard(AuthGuard).
    { provide: APP_GUARD, useExisting: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: LoggingInterceptor },
    { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, transform: true }) },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer
      .apply(RequestIdMiddleware, poweredBy)
      .exclude({ path: 'cats/export', method: RequestMethod.GET, version: '1' })
      .forRoutes(CatsController);
    consumer.apply(poweredBy).forRoutes({ path: 'users', method: RequestMethod.GET });
  }
}
