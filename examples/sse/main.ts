import { NestFactory } from 'streamnest';
import { CORS } from 'streamnest/cors';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
app.use(CORS());
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
