import { ContextIdFactory, NestFactory } from 'streamnest';
import { AppModule } from './app.module';
import { CatsService } from './cats/cats.service';
import { ConfigModule } from './config/config.module';
import { ConfigService } from './config/config.service';
import { OwnersService } from './owners/owners.service';
import { RequestContext } from './whoami/request-context.service';

describe('a standalone application context', () => {
  it('gets providers across modules, selects a module, resolves a request-scoped provider, and closes', async () => {
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    expect(app.get(CatsService).findAll()).toEqual([{ id: 1, name: 'Tom', age: 3 }]);
    expect(app.get(OwnersService).catCount()).toBe(1);
    expect(app.select(ConfigModule).get(ConfigService, { strict: true }).greeting).toBe('Hello');
    const contextId = ContextIdFactory.create();
    app.registerRequestByContextId({ get: (name: string) => (name === 'x-agent' ? 'cli' : undefined) }, contextId);
    const context = await app.resolve(RequestContext, contextId);
    expect(context.agent).toBe('cli');
    expect(await app.resolve(RequestContext, contextId)).toBe(context);
    await app.close();
  });
});
