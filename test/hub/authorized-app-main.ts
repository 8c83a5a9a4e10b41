// One instance of the authorized-stream app in a process of its own, on Redis:
// prints its URL on stdout, and closes on SIGTERM.
import { NestFactory } from 'streamnest';
import { RedisStreamsTransport } from 'streamnest/redis';
import { authorizedModule } from './authorized-app.js';

const transport = new RedisStreamsTransport({ url: process.env.REDIS_URL!, key: process.env.STREAM_KEY! });
const app = await NestFactory.create(authorizedModule(process.env.SECRET!, transport), { logger: false });
app.enableShutdownHooks();
await app.listen({ port: 0, hostname: '127.0.0.1' });
process.stdout.write(`${app.getUrl()}\n`);
