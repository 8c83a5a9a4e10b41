// The hub example: `node build/examples/hub/main.js`, with REDIS_URL set to share
// the channel between instances (run two on different PORTs and watch both).
import { NestFactory } from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { chatModule } from './app.module.js';

const redisUrl = process.env.REDIS_URL;
const transport = redisUrl ? new RedisStreamsTransport({ url: redisUrl, key: 'streamnest:example:chat' }) : undefined;
const app = await NestFactory.create(chatModule(transport));
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
