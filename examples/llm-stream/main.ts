// The LLM-style streaming example: `npm run llm-stream`, then open http://localhost:2000/.
// POST /chat streams an answer token by token to streamnest/client, with an
// Authorization header (which EventSource cannot send); Stop aborts it, and the
// server stops writing. From a terminal:
//   curl -N -X POST localhost:2000/chat -H "authorization: Bearer $CHAT_TOKEN" \
//        -H 'content-type: application/json' -d '{"prompt":"streams"}'
import { randomBytes } from 'node:crypto';
import { NestFactory } from 'streamnest';
import { llmStreamModule } from './app.module.js';

const token = process.env.CHAT_TOKEN ?? randomBytes(16).toString('hex');
const app = await NestFactory.create(llmStreamModule({ token, delayMs: Number(process.env.TOKEN_DELAY_MS ?? 60) }));
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 2000), process.env.HOST);
console.log(`llm-stream on ${app.getUrl()} (token ${token})`);
