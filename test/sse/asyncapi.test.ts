import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { z } from 'zod';
import {
  Controller,
  defineEvents,
  Module,
  NestFactory,
  Sse,
  SseModule,
  StreamnestError,
  typed,
  type AsyncApiDocument,
  type StandardSchemaV1,
} from 'streamnest';
import { startApp } from '../support/app.js';

/**
 * `app.getAsyncApiDocument()` and `app.enableAsyncApi()`: every `@Sse` route
 * and declared hub channel, with its events and their payload schemas, in a
 * document that the official AsyncAPI 3.0.0 JSON Schema (@asyncapi/specs)
 * accepts, and whose every `$ref` leads somewhere.
 */

const require = createRequire(import.meta.url);
const specs = require('@asyncapi/specs') as { schemasWithoutId: Record<string, object> };
const Ajv = require('ajv') as typeof import('ajv').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

function validateAgainstSpec(document: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(specs.schemasWithoutId['3.0.0']!);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Every `$ref` in the document, with whether it points at something in it. */
function danglingRefs(document: unknown): string[] {
  const refs: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else walk(value);
      }
    }
  };
  walk(document);
  return refs.filter((ref) => {
    let at: unknown = document;
    for (const part of ref.replace(/^#\//, '').split('/')) at = (at as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return at === undefined;
  });
}

const Progress = defineEvents({
  progress: z.object({ pct: z.number().min(0).max(100), label: z.string().optional() }),
  log: z.string(),
  done: typed<{ ok: boolean }>({ jsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } }),
  note: typed<string>(),
});
/** A Standard Schema with no JSON Schema of its own. */
const opaque: StandardSchemaV1<unknown, number> = { '~standard': { version: 1, vendor: 'opaque-lib', validate: (value) => ({ value: Number(value) }) } };
const Counter = defineEvents({ tick: opaque });

@Controller('jobs')
class JobsController {
  @Sse(':id', { events: Progress, description: 'Progress of one job.' })
  watch() {}

  @Sse('all{/:team}', { events: Counter })
  all() {}

  @Sse('files/*path')
  files() {}
}

@Controller()
class PlainController {
  @Sse('news')
  news() {}
}

async function documentedApp() {
  return startApp({ imports: [SseModule.forRoot({ channels: { 'jobs:{id}': Progress } })], controllers: [JobsController, PlainController] });
}

test('the document describes every @Sse route and declared hub channel, valid against the AsyncAPI 3.0.0 JSON Schema', async (t) => {
  const { app, url, close } = await documentedApp();
  t.after(close);
  const document = app.getAsyncApiDocument({ title: 'Jobs', version: '2.1.0', description: 'Job events.' });
  assert.deepEqual(validateAgainstSpec(document), []);
  assert.deepEqual(danglingRefs(document), []);

  assert.equal(document.asyncapi, '3.0.0');
  assert.deepEqual(document.info, { title: 'Jobs', version: '2.1.0', description: 'Job events.' });
  assert.deepEqual(document.servers, { app: { host: new URL(url).host, protocol: 'http', description: 'This application.' } });
  assert.deepEqual(Object.fromEntries(Object.entries(document.channels).map(([id, channel]) => [id, channel['address']])), {
    'JobsController.watch': '/jobs/{id}',
    'JobsController.all': '/jobs/all',
    'JobsController.all.2': '/jobs/all/{team}',
    'JobsController.files': '/jobs/files/{path}',
    'PlainController.news': '/news',
    'hub.jobs__id_': 'jobs:{id}',
  });

  const watch = document.channels['JobsController.watch']!;
  assert.equal(watch['description'], 'Progress of one job.');
  assert.deepEqual(watch['parameters'], { id: { description: 'The id part of the address.' } });
  const messages = watch['messages'] as Record<string, { name: string; payload: Record<string, unknown>; contentType?: string }>;
  assert.deepEqual(Object.keys(messages), ['progress', 'log', 'done', 'note']);
  // zod's own JSON Schema (Standard JSON Schema, draft-07), without its $schema.
  assert.deepEqual(messages['progress']!.payload, {
    type: 'object',
    properties: { pct: { type: 'number', minimum: 0, maximum: 100 }, label: { type: 'string' } },
    required: ['pct'],
    additionalProperties: false,
  });
  // Text data goes out as it is, not as JSON.
  assert.deepEqual([messages['log']!.payload, messages['log']!.contentType], [{ type: 'string' }, 'text/plain']);
  // typed<T>(): the JSON Schema it was given, or an empty schema that says why.
  assert.deepEqual(messages['done']!.payload, { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] });
  assert.match(String(messages['note']!.payload['description']), /typed<T>\(\)/);

  const tick = (document.channels['JobsController.all']!['messages'] as Record<string, { payload: Record<string, unknown> }>)['tick']!;
  assert.match(String(tick.payload['description']), /opaque-lib schema that offers no JSON Schema/);
  const news = document.channels['PlainController.news']!['messages'] as Record<string, { payload: unknown; summary: string }>;
  assert.deepEqual(news['message']!.payload, {});
  assert.match(news['message']!.summary, /declares no contract/);

  assert.deepEqual(document.operations['JobsController.watch'], {
    action: 'send',
    channel: { $ref: '#/channels/JobsController.watch' },
    summary: 'The app sends these events to a client reading GET /jobs/{id} (text/event-stream).',
    messages: ['progress', 'log', 'done', 'note'].map((name) => ({ $ref: `#/channels/JobsController.watch/messages/${name}` })),
    bindings: { http: { method: 'GET', bindingVersion: '0.3.0' } },
  });
  assert.equal(document.operations['hub.jobs__id_']!['action'], 'send');
  assert.deepEqual(Object.keys(document.channels['hub.jobs__id_']!['messages'] as object), ['progress', 'log', 'done', 'note']);
});

test('a converter of your own describes schemas that offer no JSON Schema; servers may be given', async (t) => {
  const { app, close } = await documentedApp();
  t.after(close);
  const seen: string[] = [];
  const document = app.getAsyncApiDocument({
    servers: { production: { host: 'events.example.com', protocol: 'https', pathname: '/api' } },
    jsonSchema: (schema, event) => {
      seen.push(`${schema['~standard'].vendor}:${event}`);
      return schema === opaque ? { type: 'number' } : undefined;
    },
  });
  assert.deepEqual(validateAgainstSpec(document), []);
  const tick = (document.channels['JobsController.all']!['messages'] as Record<string, { payload: unknown }>)['tick']!;
  assert.deepEqual(tick.payload, { type: 'number' });
  assert.ok(seen.includes('opaque-lib:tick') && seen.includes('zod:progress'), seen.join());
  assert.deepEqual(document.servers, { production: { host: 'events.example.com', protocol: 'https', pathname: '/api' } });
});

test('enableAsyncApi serves the document as JSON; without it there is no such route', async (t) => {
  const served = await startApp({ controllers: [JobsController] }, (app) => void app.enableAsyncApi('/docs/asyncapi.json', { title: 'Served' }));
  t.after(served.close);
  const res = await fetch(`${served.url}/docs/asyncapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const document = (await res.json()) as AsyncApiDocument;
  assert.deepEqual(validateAgainstSpec(document), []);
  assert.equal(document.info.title, 'Served');
  assert.deepEqual(document, JSON.parse(JSON.stringify(served.app.getAsyncApiDocument({ title: 'Served' }))));

  const plain = await startApp({ controllers: [JobsController] });
  t.after(plain.close);
  assert.equal((await fetch(`${plain.url}/asyncapi.json`)).status, 404);
  // Enabled once the app runs: mounted at once.
  plain.app.enableAsyncApi();
  assert.equal((await fetch(`${plain.url}/asyncapi.json`)).status, 200);
});

test('an app with no @Sse route and no hub gives an empty, valid document; one not yet initialised is an error', async () => {
  @Module({})
  class EmptyModule {}
  const app = await NestFactory.create(EmptyModule, { logger: false });
  try {
    assert.throws(
      () => app.getAsyncApiDocument(),
      (error: unknown) => error instanceof StreamnestError && error.code === 'SN_ERR_NOT_INITIALIZED' && /app\.getAsyncApiDocument\(\)/.test(error.message),
    );
    await app.init();
    const document = app.getAsyncApiDocument();
    assert.deepEqual(validateAgainstSpec(document), []);
    assert.deepEqual([document.channels, document.operations, document.servers], [{}, {}, undefined]);
    assert.throws(
      () => app.enableAsyncApi('docs.json'),
      (error: unknown) => error instanceof StreamnestError && error.code === 'SN_ERR_INVALID_ARGUMENT',
    );
    app.enableAsyncApi();
    assert.throws(() => app.enableAsyncApi('/again.json'), /already served/);
  } finally {
    await app.close();
  }
});

test('the spec check is not vacuous: it refuses a document that breaks AsyncAPI 3.0.0', async (t) => {
  const { app, close } = await documentedApp();
  t.after(close);
  const document = JSON.parse(JSON.stringify(app.getAsyncApiDocument())) as AsyncApiDocument;
  document.operations['JobsController.watch']!['action'] = 'emit';
  delete (document.info as Partial<AsyncApiDocument['info']>).version;
  const errors = validateAgainstSpec(document).join('\n');
  assert.match(errors, /\/info must have required property 'version'/);
  assert.match(errors, /\/operations\/JobsController\.watch\/action must be equal to one of the allowed values/);
  document.operations['JobsController.watch']!['channel'] = { $ref: '#/channels/gone' };
  assert.deepEqual(danglingRefs(document), ['#/channels/gone']);
});
