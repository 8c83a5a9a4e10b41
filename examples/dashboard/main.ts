// The dashboard example: `npm run dashboard`, then open http://localhost:2000/.
// Every first-party module at once, on the embedded defaults (no Redis).
// From the environment: PORT (default 2000; 0 takes a free port, and the line
// printed at start says which), HOST, SECRET, and SUMMARY_CRON (when the news
// summary goes out; default every 10 seconds).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from 'streamnest';
import { dashboardModule } from './app.module.js';

// Compiled to build/examples/dashboard; the templates stay in examples/dashboard/views.
export const VIEWS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'dashboard', 'views');

const secret = process.env.SECRET ?? randomBytes(32).toString('hex');
const app = await NestFactory.create(dashboardModule({ secret, summaryCron: process.env.SUMMARY_CRON }));
app.setBaseViewsDir(VIEWS);
app.setViewEngine('ejs');
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
console.log(`dashboard on ${app.getUrl()}`);
