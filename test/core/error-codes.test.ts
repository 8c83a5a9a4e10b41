import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Body,
  Controller,
  Errors,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Module,
  NestFactory,
  SseFieldError,
  SseHub,
  SseModule,
  StreamnestError,
  StreamnestTypeError,
  UseGuards,
  Warnings,
  type ErrorKind,
} from 'streamnest';
import { encodeEvent } from 'streamnest/sse-protocol';
import { SseTestClient, Test } from 'streamnest/testing';
import { CORS } from 'streamnest/cors';
import { RedisStreamsTransport } from 'streamnest/redis';
import { startApp } from '../support/app.js';
import { CaptureLogger, call } from './support.js';
import { assertCoded, rejectionOf, thrownBy } from '../support/coded-error.js';

/**
 * Every error has a code, a documented meaning and a class; these tests keep
 * src/errors.ts, the throws in src/ and docs/ERRORS.md in step.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const entries = Object.entries(Errors) as Array<[string, { code: string; kind: ErrorKind }]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const ERRORS_FILE = join(root, 'src', 'errors.ts');
const sources = sourceFiles(join(root, 'src'))
  .filter((path) => path !== ERRORS_FILE)
  .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

/** `### \`SN_ERR_…\`` (or `SN_WARN_…`) headings of docs/ERRORS.md, each with the class (or `Warning`) on the first line under it. */
function documented(prefix = 'SN_ERR_'): Map<string, string> {
  const docs = readFileSync(join(root, 'docs', 'ERRORS.md'), 'utf8');
  const found = new Map<string, string>();
  for (const [, code, kind] of docs.matchAll(/^### `([^`]+)`\n\n`(\w+)`/gm)) {
    if (!code!.startsWith(prefix)) continue;
    assert.ok(!found.has(code!), `${code} is documented twice`);
    found.set(code!, kind!);
  }
  return found;
}

test('every code is unique and reads SN_ERR_ and capitals', () => {
  const seen = new Map<string, string>();
  for (const [name, { code }] of entries) {
    assert.match(code, /^SN_ERR_[A-Z0-9_]+$/, name);
    assert.equal(seen.get(code), undefined, `${name} and ${seen.get(code)} share ${code}`);
    seen.set(code, name);
  }
  assert.ok(entries.length >= 40, `only ${entries.length} entries: is Errors read right?`);
});

test('docs/ERRORS.md documents every code, with its class, and no code that does not exist', () => {
  const docs = documented();
  const codes = new Map(entries.map(([, entry]) => [entry.code, entry.kind]));
  for (const [code, kind] of codes) {
    assert.ok(docs.has(code), `${code} is not documented in docs/ERRORS.md`);
    assert.equal(docs.get(code), kind, `${code} is a ${kind}, but docs/ERRORS.md says ${docs.get(code)}`);
  }
  for (const code of docs.keys()) assert.ok(codes.has(code), `docs/ERRORS.md documents ${code}, which Errors does not define`);
});

const warnings = Object.entries(Warnings);

test('warnings: every code is unique, reads SN_WARN_ and capitals, is documented in docs/ERRORS.md as a Warning, and is given somewhere in src', () => {
  const codes = new Set<string>();
  for (const [name, { code }] of warnings) {
    assert.match(code, /^SN_WARN_[A-Z0-9_]+$/, name);
    assert.ok(!codes.has(code), `${code} is defined twice`);
    codes.add(code);
  }
  const docs = documented('SN_WARN_');
  for (const code of codes) assert.equal(docs.get(code), 'Warning', `${code} is not documented as a Warning in docs/ERRORS.md`);
  for (const code of docs.keys()) assert.ok(codes.has(code), `docs/ERRORS.md documents ${code}, which Warnings does not define`);
  const unused = warnings.filter(([name]) => !sources.some(({ text }) => new RegExp(`\\bWarnings\\.${name}\\b`).test(text))).map(([name]) => name);
  assert.deepEqual(unused, [], 'warnings never given outside src/warnings.ts');
  assert.ok(warnings.length >= 6);
});

test('every entry of Errors is thrown somewhere in src', () => {
  const unused = entries
    .filter(([name]) => !sources.some(({ text }) => new RegExp(`\\bErrors\\.${name}\\b`).test(text)))
    .map(([name, { code }]) => `Errors.${name} (${code})`);
  assert.deepEqual(unused, [], `never used outside src/errors.ts:\n${unused.join('\n')}`);
});

/**
 * Errors made outside errors.ts, which then have no code of streamnest's (or a
 * code made up on the spot). The allowlist holds what keeps another contract.
 */
const AD_HOC = [/\bnew (?:Error|TypeError|RangeError|SyntaxError|ReferenceError)\(/, /\bnew SseFieldError\(/, /\bcode:\s*['"`]SN_/];
const ALLOWED: Array<{ file: string; line: RegExp; why: string }> = [
  // res.sendFile()'s callback gets Express's own errors: apps test err.code === 'ECONNABORTED' or 'EISDIR', as Express documents.
  { file: 'src/http/send-file.ts', line: /withCode\(new Error\('(?:Request aborted|EISDIR, read)'\), '(?:ECONNABORTED|EISDIR)'\)/, why: 'Express contract' },
];

test('no error is made outside src/errors.ts (offenders listed by file:line)', () => {
  const offenders: string[] = [];
  for (const { path, text } of sources) {
    text.split('\n').forEach((line, i) => {
      if (!AD_HOC.some((pattern) => pattern.test(line))) return;
      if (ALLOWED.some((allowed) => allowed.file === path.split('\\').join('/') && allowed.line.test(line))) return;
      offenders.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, [], `errors made outside src/errors.ts:\n${offenders.join('\n')}`);
});

test('an argument error is a TypeError, a StreamnestTypeError and a StreamnestError; a wiring error only the last', () => {
  const argument = Errors.INVALID_ARGUMENT('f(x)', 'x must be a string', '1');
  assert.ok(argument instanceof TypeError);
  assert.ok(argument instanceof StreamnestTypeError);
  assert.ok(argument instanceof StreamnestError);
  assert.equal(argument.name, 'StreamnestTypeError');
  const wiring = Errors.UNKNOWN_EXPORT('M', 'T');
  assert.ok(wiring instanceof StreamnestError);
  assert.ok(!(wiring instanceof TypeError));
  assert.ok(!(wiring instanceof StreamnestTypeError));
  assert.equal(wiring.name, 'StreamnestError');
  const field = Errors.SSE_FIELD('id', 'must not contain CR, LF or NUL');
  assert.ok(field instanceof SseFieldError && field instanceof StreamnestError && field instanceof TypeError);
  assert.equal(field.field, 'id');
  // instanceof keeps its ordinary meaning for anything else.
  assert.ok(!(new TypeError('x') instanceof StreamnestError));
  assert.ok(!({ code: 'SN_ERR_X' } instanceof StreamnestError));
  assert.ok(!(argument instanceof SseFieldError));
});

// ---- Each error below is triggered through the public API, as an app would. ----

/** Asserts a streamnest error with `code`, of `type` only (TypeError, or not), whose message matches every `says`. */
test('decorators: a misspelt @Module() property, a misplaced @Inject() or @Body(), a wrong @HttpCode() or @UseGuards()', () => {
  assertCoded(
    thrownBy(() => Module({ provider: [] } as never)),
    'SN_ERR_UNKNOWN_MODULE_PROPERTY',
    'TypeError',
    /"provider"/,
    /providers/,
  );
  assertCoded(
    thrownBy(() => {
      class OnAMethod {
        handle(@Inject('TOKEN') _value: unknown) {}
      }
      return OnAMethod;
    }),
    'SN_ERR_DECORATOR_PLACEMENT',
    'TypeError',
    /@Inject\(\)/,
    /not a method parameter/,
  );
  assertCoded(
    thrownBy(() => {
      class OnAConstructor {
        constructor(@Body() readonly body: unknown) {}
      }
      return OnAConstructor;
    }),
    'SN_ERR_DECORATOR_PLACEMENT',
    'TypeError',
    /@Body\(\)/,
    /handler method/,
  );
  assertCoded(
    thrownBy(() => HttpCode(42)),
    'SN_ERR_INVALID_ARGUMENT',
    'TypeError',
    /@HttpCode\(\)/,
    /100 to 599/,
    /got 42/,
  );
  assertCoded(
    thrownBy(() => UseGuards(null as never)),
    'SN_ERR_INVALID_ARGUMENT',
    'TypeError',
    /@UseGuards\(\)/,
    /argument #0/,
    /null/,
  );
});

test('DI: a missing provider is a wiring Error; a provider of the wrong shape a TypeError', async () => {
  @Injectable()
  class NeedsConfig {
    constructor(@Inject('CONFIG') readonly config: unknown) {}
  }
  assertCoded(
    await rejectionOf(Test.createTestingModule({ providers: [NeedsConfig] }).compile()),
    'SN_ERR_MISSING_PROVIDER',
    'Error',
    /NeedsConfig/,
    /"CONFIG"|CONFIG/,
    /Add/,
  );
  assertCoded(
    await rejectionOf(Test.createTestingModule({ providers: [{ provide: 'SHAPELESS' } as never] }).compile()),
    'SN_ERR_INVALID_PROVIDER',
    'TypeError',
    /SHAPELESS/,
    /useClass/,
  );
});

test('hub arguments: a channel with a line break, no channel at all, a message that is not an object', async (t) => {
  const moduleRef = await Test.createTestingModule({ imports: [SseModule.forRoot()] }).compile();
  t.after(() => moduleRef.close());
  const hub = moduleRef.get(SseHub);
  assertCoded(await rejectionOf(hub.publish('a\nb', { data: 'x' })), 'SN_ERR_INVALID_CHANNEL', 'TypeError', /CR, LF or NUL/, /"a\\nb"/);
  assertCoded(
    thrownBy(() => hub.subscribe([])),
    'SN_ERR_NO_CHANNEL',
    'TypeError',
    /at least one channel/,
  );
  const notAnObject = await rejectionOf(hub.publish('news', null as never));
  assertCoded(notAnObject, 'SN_ERR_SSE_FIELD', 'TypeError', /"message"/, /object/);
  assert.ok(notAnObject instanceof SseFieldError);
});

test('SSE fields: encodeEvent() refuses an id with a line break with an SseFieldError naming it', () => {
  const error = thrownBy(() => encodeEvent({ id: 'a\nb', data: 'x' }));
  assertCoded(error, 'SN_ERR_SSE_FIELD', 'TypeError', /"id"/, /CR, LF or NUL/);
  assert.equal((error as SseFieldError).field, 'id');
});

test('cors: credentials without the origins that may use them', () => {
  assertCoded(
    thrownBy(() => CORS({ credentials: true })),
    'SN_ERR_CORS_CREDENTIALS_ORIGIN',
    'TypeError',
    /credentials: true/,
    /origin/,
  );
});

test('Redis transport: an option out of range, and a publish before start()', async () => {
  assertCoded(
    thrownBy(() => new RedisStreamsTransport({ maxLen: 0 })),
    'SN_ERR_INVALID_HUB_OPTION',
    'TypeError',
    /"maxLen"/,
    /positive integer/,
    /got 0/,
  );
  assertCoded(
    await rejectionOf(new RedisStreamsTransport().append('news', { data: 'x' })),
    'SN_ERR_TRANSPORT_NOT_STARTED',
    'Error',
    /RedisStreamsTransport/,
    /SseModule\.forRoot/,
  );
});

test('application: getUrl() before listen(), app.use() with something that is not middleware', async (t) => {
  @Module({})
  class EmptyModule {}
  const app = await NestFactory.create(EmptyModule, { logger: false });
  t.after(() => app.close());
  assertCoded(
    thrownBy(() => app.getUrl()),
    'SN_ERR_NOT_LISTENING',
    'Error',
    /app\.getUrl\(\)/,
    /app\.listen\(\)/,
  );
  assertCoded(
    thrownBy(() => app.use(42 as never)),
    'SN_ERR_INVALID_MIDDLEWARE',
    'TypeError',
    /function \(req, res, next\)/,
    /number/,
  );
});

test('a middleware that rejects with no reason fails the request, and the log names it with a code', async (t) => {
  const logger = new CaptureLogger();
  @Controller('open')
  class OpenController {
    @Get() open() {
      return 'reached';
    }
  }
  const { url, close } = await startApp(
    { controllers: [OpenController] },
    (app) => {
      app.use(async function rejectsWithNothing() {
        throw undefined;
      });
    },
    { logger },
  );
  t.after(close);
  assert.equal((await call(`${url}/open`)).status, 500);
  assert.match(logger.text(), /SN_ERR_MIDDLEWARE_NO_REASON: middleware rejectsWithNothing rejected with undefined/);
});

test('SseTestClient: waiting for events that never come rejects with a code', async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = await SseTestClient.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  t.after(() => {
    client.close();
    server.closeAllConnections();
    server.close();
  });
  assertCoded(await rejectionOf(client.take(1, 50)), 'SN_ERR_TEST_CLIENT_TIMEOUT', 'Error', /50 ms/, /1 events/, /got 0 events/);
});
