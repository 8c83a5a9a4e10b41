// The dashboard example: `npm run dashboard`, then open http://localhost:2000/.
// Every first-party module at once, on the embedded defaults (no Redis).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from 'streamnest';
import { dashboardModule } from './app.module.js';

// Compiled to build/examples/dashboard; the templates stay in examples/dashboard/views.
export const VIEWS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'dashboard', 'views');

const secret = process.env.SECRET ?? randomBytes(32).toString('hex');
const app = await NestFactory.create(dashboardModule({ secret }));
app.setBaseViewsDir(VIEWS);
app.setViewEngine('ejs');
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
console.log(`dashboard on ${app.getUrl()}`);
