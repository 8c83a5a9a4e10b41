// The seed page's app on Bun, straight from TypeScript: `bun run start`.
import { NestFactory } from 'streamnest';
import { CORS } from 'streamnest/cors';
import { AppModule } from '../sse/app.module.ts';

const app = await NestFactory.create(AppModule);
app.use(CORS());
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
