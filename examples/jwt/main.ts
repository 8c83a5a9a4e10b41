// The JWT example: `JWT_SECRET=… node build/examples/jwt/main.js`, then
//   curl -X POST localhost:2000/auth/login -H 'content-type: application/json' -d '{"username":"ada","password":"lovelace"}'
//   curl localhost:2000/auth/profile -H "authorization: Bearer <access_token>"
import { randomBytes } from 'node:crypto';
import { NestFactory } from 'streamnest';
import { authModule } from './app.module.js';

const app = await NestFactory.create(authModule(process.env.JWT_SECRET ?? randomBytes(32).toString('base64url')));
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
