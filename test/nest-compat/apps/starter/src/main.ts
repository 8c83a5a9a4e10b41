import { NestFactory } from 'streamnest';
import { CORS } from 'streamnest/cors';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(CORS({ credentials: true, origin: ['https://app.example.com'] }));
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
