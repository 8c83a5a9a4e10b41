// examples/llm-stream over HTTP: POST /chat streams tokens to streamnest/client
// with a Bearer token, refuses without one, and stops writing when the client
// aborts. test/browser/client.test.ts drives its page in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatLog } from '../../examples/llm-stream/chat-log.js';
import { llmStreamModule } from '../../examples/llm-stream/app.module.js';
import { answerTo } from '../../examples/llm-stream/fake-model.js';
import { streamChat } from '../../examples/llm-stream/stream-chat.js';
import { SseClientError } from 'streamnest/client';
import { startApp } from '../support/app.js';
import { eventually } from '../support/sse-reader.js';

const TOKEN = 'test-token';

async function chatApp(t: import('node:test').TestContext, delayMs = 5) {
  const started = await startApp({ imports: [llmStreamModule({ token: TOKEN, delayMs })] });
  t.after(started.close);
  return { ...started, log: started.app.get(ChatLog) };
}

test('llm-stream: the typed Node client streams the whole answer, token by token, then done', async (t) => {
  const { url, log } = await chatApp(t);
  const tokens: string[] = [];
  const answer = await streamChat(url, TOKEN, 'streams', { onToken: (text) => tokens.push(text) });
  assert.equal(answer.text, answerTo('streams'));
  assert.ok(tokens.length > 50, `${tokens.length} tokens`);
  assert.equal(answer.tokens, tokens.length);
  assert.deepEqual(
    log.generations.map((g) => [g.prompt, g.outcome, g.tokens]),
    [['streams', 'done', tokens.length]],
  );
});

test('llm-stream: the answer is an event stream of token events, then done, answering the POST with 200', async (t) => {
  const { url } = await chatApp(t);
  const response = await fetch(`${url}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'wire' }),
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform');
  const text = await response.text();
  assert.match(text, /^event: token\ndata: \{"text":"You "\}\n\n/);
  assert.match(text, /event: done\ndata: \{"tokens":\d+\}\n\n$/);
});

test('llm-stream: without the token, or with a wrong one, a JSON 401 before any stream; the client reports it once', async (t) => {
  const { url, log } = await chatApp(t);
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }] as Array<Record<string, string>>) {
    const response = await fetch(`${url}/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"prompt":"x"}' });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { statusCode: 401, message: 'Unauthorized' });
  }
  await assert.rejects(
    streamChat(url, 'wrong', 'x'),
    (error: unknown) => error instanceof SseClientError && error.code === 'http-status' && error.status === 401,
  );
  assert.deepEqual(log.generations, [], 'the model never ran');
});

test('llm-stream: a prompt that is not a non-empty string is a 400', async (t) => {
  const { url } = await chatApp(t);
  for (const body of ['{}', '{"prompt":""}', '{"prompt":42}']) {
    const response = await fetch(`${url}/chat`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    assert.equal(response.status, 400, body);
  }
});

test('llm-stream: aborting mid-answer cancels the stream on the server, and the model stops writing', async (t) => {
  const { url, log } = await chatApp(t, 30);
  const abort = new AbortController();
  let received = 0;
  const answer = await streamChat(url, TOKEN, 'stop me', {
    signal: abort.signal,
    onToken: () => {
      if (++received === 3) abort.abort();
    },
  });
  assert.equal(answer.tokens, undefined, 'no done');
  assert.equal(
    answer.text,
    answerTo('stop me')
      .split(/(?<= )/)
      .slice(0, 3)
      .join(''),
  );
  await eventually(() => log.generations[0]?.outcome === 'cancelled', 5000, 'the server to see the cancel');
  const written = log.generations[0]!.tokens;
  // Stopped at once: a token or two may have been in flight, never the rest of the answer.
  assert.ok(written < 10, `${written} tokens written`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(log.generations[0]!.tokens, written, 'nothing written after the cancel');
});

test('llm-stream: the page and the bundled client are served', async (t) => {
  const { url } = await chatApp(t);
  const page = await fetch(url);
  assert.match(await page.text(), new RegExp(`value="${TOKEN}"`));
  const client = await fetch(`${url}/streamnest-client.js`);
  assert.match(client.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match(await client.text(), /export\s*\{/);
});
