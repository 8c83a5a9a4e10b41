import { NestFactory } from 'streamnest';
import { CORS } from 'streamnest/cors';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
app.use(CORS());
app.enableShutdownHooks();
await app.listen(process.env.PORT ?? 3000);
