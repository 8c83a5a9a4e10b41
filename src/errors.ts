/**
 * Every error streamnest throws on its own account has a stable `code`, so a
 * user can search for it (docs/ERRORS.md lists them all). All of them are
 * defined here, in one place.
 *
 * Two classes, as JavaScript itself does it: a `StreamnestTypeError` (a
 * `TypeError`) when the caller handed over a value of the wrong type, shape or
 * range (a function or constructor argument, an option, a decorator's argument
 * or the member it decorates, an entry of module metadata), decidable from that
 * value alone; a `StreamnestError` (an `Error`) when every value is well-formed
 * but the wiring or the state is wrong (a missing provider, a backend that is
 * down, a server that is not listening). `instanceof StreamnestError` holds for
 * both, so one check still catches every streamnest error.
 */
export class StreamnestError extends Error {
  /** The HTTP status this error answers with when it escapes a handler (none: a generic 500). */
  readonly status?: number;
  /** Seconds a client should wait before retrying, sent as `Retry-After`. */
  readonly retryAfter?: number;
  /** What the HTTP response says; the full message, which may name internals, is only logged. */
  readonly publicMessage?: string;

  constructor(
    readonly code: string,
    message: string,
    http?: HttpMeaning,
  ) {
    super(message);
    this.name = 'StreamnestError';
    if (http) Object.assign(this, http);
  }

  /**
   * A `StreamnestTypeError` cannot also extend this class (it extends `TypeError`),
   * so `instanceof StreamnestError` accepts it here. Subclasses keep the ordinary check.
   * (A `boolean`, not a type predicate: TypeScript then narrows `instanceof` as usual, to the subclass too.)
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asks about, a subclass too
    return isOrdinaryInstance(this, value) || (this === StreamnestError && isOrdinaryInstance(StreamnestTypeError, value));
  }
}

/** A wrong argument: a `TypeError` with the fields of a `StreamnestError` (none of these has an HTTP meaning). */
export class StreamnestTypeError extends TypeError {
  declare readonly status?: number;
  declare readonly retryAfter?: number;
  declare readonly publicMessage?: string;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StreamnestTypeError';
  }
}

/** A field value that breaks the SSE wire format, naming the field. A TypeError, as the spec asks of invalid input. */
export class SseFieldError extends StreamnestTypeError {
  declare readonly code: 'SN_ERR_SSE_FIELD';

  constructor(
    readonly field: string,
    rule: string,
  ) {
    super('SN_ERR_SSE_FIELD', `SN_ERR_SSE_FIELD: SSE field "${field}" ${rule}`);
    this.name = 'SseFieldError';
  }
}

/** How a token that did not verify reads over HTTP when nothing catches it: 401, as a guard would answer. */
const UNAUTHORIZED: HttpMeaning = { status: 401, publicMessage: 'Unauthorized' };

/**
 * A JSON Web Token that did not verify (a bad signature, a malformed token, an
 * algorithm or audience not allowed…), by jsonwebtoken's name, so code that
 * checks `error.name` or `instanceof JsonWebTokenError` ports from @nestjs/jwt.
 * Escaping a handler, it answers 401.
 */
export class JsonWebTokenError extends StreamnestError {
  constructor(message: string, code = 'SN_ERR_JWT_INVALID') {
    super(code, `${code}: ${message}`, UNAUTHORIZED);
    this.name = 'JsonWebTokenError';
  }
}

/** A token past its `exp` (with the clock tolerance): `expiredAt` says when. */
export class TokenExpiredError extends JsonWebTokenError {
  constructor(
    message: string,
    readonly expiredAt: Date,
  ) {
    super(message, 'SN_ERR_JWT_EXPIRED');
    this.name = 'TokenExpiredError';
  }
}

/** A token used before its `nbf` (with the clock tolerance): `date` says from when it is valid. */
export class NotBeforeError extends JsonWebTokenError {
  constructor(
    message: string,
    readonly date: Date,
  ) {
    super(message, 'SN_ERR_JWT_NOT_BEFORE');
    this.name = 'NotBeforeError';
  }
}

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

function isOrdinaryInstance(type: Function, value: unknown): boolean {
  return ordinaryHasInstance.call(type, value);
}

/** How an error reads over HTTP, for the errors that have a meaning there. */
interface HttpMeaning {
  status: number;
  retryAfter?: number;
  publicMessage: string;
}

type Describe = (...args: any[]) => string;

/** The class an entry makes, for docs/ERRORS.md and its test. */
export type ErrorKind = 'Error' | 'TypeError';

function entry<A extends unknown[], E extends Error>(code: string, kind: ErrorKind, make: (...args: A) => E) {
  return Object.assign(make, { code, kind });
}

/** An error of wiring or state (see above): a `StreamnestError`, with an HTTP meaning if it has one. */
function define<D extends Describe>(code: string, describe: D, http?: HttpMeaning) {
  return entry(code, 'Error', (...args: Parameters<D>) => new StreamnestError(code, `${code}: ${describe(...args)}`, http));
}

/** A wrong argument (see above): a `StreamnestTypeError`. */
function defineTypeError<D extends Describe>(code: string, describe: D) {
  return entry(code, 'TypeError', (...args: Parameters<D>) => new StreamnestTypeError(code, `${code}: ${describe(...args)}`));
}

/** The backend behind the hub is down or hung: a 503 the client may retry shortly. */
const BACKEND_DOWN: HttpMeaning = { status: 503, retryAfter: 2, publicMessage: 'The event backend is unavailable; retry shortly.' };

export const Errors = {
  MISSING_PROVIDER: define(
    'SN_ERR_MISSING_PROVIDER',
    (consumer: string, index: number | string, token: string, module: string) =>
      `${consumer} cannot be created: its constructor parameter #${index} (${token}) has no provider in module ${module}. ` +
      `Add ${token} to the providers of ${module}, or import a module that exports it.`,
  ),
  UNKNOWN_PARAM_TYPE: define(
    'SN_ERR_UNKNOWN_PARAM_TYPE',
    (consumer: string, index: number, module: string) =>
      `${consumer} cannot be created: the type of constructor parameter #${index} in module ${module} is unknown ` +
      `(an interface, a type-only import, or a circular file import). Use @Inject(token) on that parameter.`,
  ),
  CIRCULAR_DEPENDENCY: define(
    'SN_ERR_CIRCULAR_DEPENDENCY',
    (cycle: string[]) => `circular dependency: ${cycle.join(' -> ')}. Break the cycle by moving the shared part into a provider of its own.`,
  ),
  INVALID_PROVIDER: defineTypeError(
    'SN_ERR_INVALID_PROVIDER',
    (module: string, detail: string) =>
      `module ${module} declares an invalid provider: ${detail}. A provider is a class, or { provide, useClass | useValue | useFactory | useExisting }.`,
  ),
  INVALID_MODULE: defineTypeError(
    'SN_ERR_INVALID_MODULE',
    (parent: string, detail: string) =>
      `module ${parent} imports something that is not a module: ${detail}. Import classes decorated with @Module(), or dynamic modules ({ module, providers… }).`,
  ),
  UNKNOWN_EXPORT: define(
    'SN_ERR_UNKNOWN_EXPORT',
    (module: string, token: string) =>
      `module ${module} exports ${token}, which it neither provides nor imports. Add ${token} to its providers, import the module that exports it, or drop it from exports.`,
  ),
  NOT_INJECTABLE: define('SN_ERR_NOT_INJECTABLE', (token: string) => `no provider for ${token} in this application. Provide it in a module first.`),
  ROUTE_CONFLICT: define(
    'SN_ERR_ROUTE_CONFLICT',
    (method: string, path: string, first: string, second: string) =>
      `route ${method} ${path} is declared twice: by ${first} and by ${second}. Give one of them another path.`,
  ),
  SSE_NOT_GET: define(
    'SN_ERR_SSE_NOT_GET',
    (handler: string, method: string) =>
      `${handler} is decorated with @Sse but routed with ${method}: SSE routes must be GET, since EventSource only sends GET.`,
  ),
  NOT_A_CONTROLLER: defineTypeError(
    'SN_ERR_NOT_A_CONTROLLER',
    (name: string, module: string) =>
      `${name} is listed in the controllers of ${module} but has no @Controller() decorator. Decorate it with @Controller(), or list it in providers if it is a service.`,
  ),
  SSE_FIELD: entry('SN_ERR_SSE_FIELD', 'TypeError', (field: string, rule: string) => new SseFieldError(field, rule)),
  SLOW_CLIENT: define(
    'SN_ERR_SLOW_CLIENT',
    () =>
      `SSE client dropped: it read too slowly, and its unsent bytes passed maxBufferedBytes (or all streams together passed maxTotalBufferedBytes). ` +
      `It reconnects with Last-Event-ID. If healthy clients are dropped, raise those limits in the sse options, or send less.`,
  ),
  SSE_RESULT: define(
    'SN_ERR_SSE_RESULT',
    (handler: string, got: string) =>
      `${handler} is an @Sse route but returned ${got}: return getSSEStream().body, an AsyncIterable, an Observable, a ReadableStream or a hub subscription.`,
  ),
  SSE_ATTACHED: defineTypeError(
    'SN_ERR_SSE_ATTACHED',
    (what: string) =>
      `${what} already answers a request: a stream belongs to one client. Make a new one in each handler call (getSSEStream(), hub.subscribe()).`,
  ),
  INVALID_EVENT_CONTRACT: defineTypeError('SN_ERR_INVALID_EVENT_CONTRACT', (where: string, rule: string, got: string) => `${where}: ${rule}, got ${got}`),
  SSE_EVENT_INVALID: defineTypeError(
    'SN_ERR_SSE_EVENT_INVALID',
    (where: string, event: string | undefined, problem: string) =>
      `${where}: ${event === undefined ? 'an event' : `event ${JSON.stringify(event)}`} does not match its contract: ${problem}. ` +
      `Nothing was sent; fix the event (or the contract's schema).`,
  ),
  SSE_SCHEMA_ASYNC: define(
    'SN_ERR_SSE_SCHEMA_ASYNC',
    (where: string, event: string, vendor: string) =>
      `${where}: the ${vendor} schema of event ${JSON.stringify(event)} validated asynchronously (it returned a Promise). ` +
      `Event contracts are checked synchronously, so that write() answers at once: drop the async refinement from that schema, or turn validation off (validate: false).`,
  ),
  SSE_CONTRACT_MISMATCH: define(
    'SN_ERR_SSE_CONTRACT_MISMATCH',
    (handler: string, got: string) =>
      `${handler} checks its events against its contract (@Sse({ events, validate })), but returned ${got}, whose writes are not checked against it. ` +
      `Make the stream with getSSEStream({ events: <the route's contract> }) (validating, as the contract or { validate: true } says), so every event is checked.`,
  ),
  INVALID_SSE_OPTION: defineTypeError('SN_ERR_INVALID_SSE_OPTION', (where: string, key: string, rule: string) => `${where}: "${key}" ${rule}`),
  INVALID_HUB_OPTION: defineTypeError('SN_ERR_INVALID_HUB_OPTION', (option: string, rule: string) => `SseModule / transport option "${option}" ${rule}`),
  INVALID_CHANNEL: defineTypeError(
    'SN_ERR_INVALID_CHANNEL',
    (channel: unknown) => `SSE hub channel must be a non-empty string without CR, LF or NUL, got ${JSON.stringify(channel)}`,
  ),
  NO_CHANNEL: defineTypeError(
    'SN_ERR_NO_CHANNEL',
    (got: string) => `SseHub.subscribe(): give at least one channel, as a string or an array of strings; got ${got}`,
  ),
  TRANSPORT_UNAVAILABLE: define(
    'SN_ERR_TRANSPORT_UNAVAILABLE',
    (channel: string, cause: string) => `publish to channel "${channel}" failed and nothing was stored: ${cause}. Retry once the backend is back.`,
    BACKEND_DOWN,
  ),
  PUBLISH_UNCONFIRMED: define(
    'SN_ERR_PUBLISH_UNCONFIRMED',
    (channel: string, cause: string) =>
      `publish to channel "${channel}" reached the backend but got no answer: ${cause}. It may have been stored, and delivered; ` +
      `retrying may deliver it twice, so retry only what subscribers can take twice (or give events an id of your own to tell them apart).`,
    BACKEND_DOWN,
  ),
  PUBLISH_TIMEOUT: define(
    'SN_ERR_PUBLISH_TIMEOUT',
    (channel: string, ms: number) =>
      `publish to channel "${channel}" got no answer from the transport within ${ms} ms; it may or may not have been stored. ` +
      `Check the backend (is Redis hung?), or raise SseModule.forRoot({ publishTimeout }).`,
    BACKEND_DOWN,
  ),
  TRANSPORT_NOT_STARTED: define(
    'SN_ERR_TRANSPORT_NOT_STARTED',
    (transport: string) => `${transport} is used before start(): give it to SseModule.forRoot({ transport }), which starts it.`,
  ),
  INVALID_MIDDLEWARE: defineTypeError('SN_ERR_INVALID_MIDDLEWARE', (got: string) => `app.use(): middleware must be a function (req, res, next), got ${got}`),
  INVALID_MOUNT_PATH: defineTypeError(
    'SN_ERR_INVALID_MOUNT_PATH',
    (path: unknown) => `app.use(): the mount path ${JSON.stringify(path)} is not a valid URL path. Give a path such as '/admin', without '?' or '#'.`,
  ),
  INVALID_ROUTE_PATTERN: defineTypeError(
    'SN_ERR_INVALID_ROUTE_PATTERN',
    (where: string, pattern: unknown, detail: string) =>
      `${where}: the route path ${JSON.stringify(pattern)} ${detail}. Paths take :params, * or *name wildcards, {optional} parts, ` +
      `and \\ to escape a special character, as in NestJS: 'cats', 'cats/:id', 'cats/*', 'ab*cd', 'files/{*rest}'.`,
  ),
  INVALID_GLOBAL_PREFIX: defineTypeError(
    'SN_ERR_INVALID_GLOBAL_PREFIX',
    (detail: string) =>
      `app.setGlobalPrefix(): ${detail}. Write app.setGlobalPrefix('api', { exclude: ['health', { path: 'metrics', method: RequestMethod.GET }] }).`,
  ),
  INVALID_VERSION: defineTypeError(
    'SN_ERR_INVALID_VERSION',
    (where: string, got: string) =>
      `${where}: a version is a non-empty string without spaces, '/', '?', '#', '%' or '\\' (such as '1' or '2024-01'), ` +
      `VERSION_NEUTRAL, or a non-empty array of those; got ${got}`,
  ),
  INVALID_VERSIONING: defineTypeError('SN_ERR_INVALID_VERSIONING', (detail: string) => `app.enableVersioning(): ${detail}`),
  INVALID_MODULE_MIDDLEWARE: defineTypeError(
    'SN_ERR_INVALID_MODULE_MIDDLEWARE',
    (module: string, detail: string) => `${module}.configure(consumer): ${detail}`,
  ),
  MIDDLEWARE_WITHOUT_USE: defineTypeError(
    'SN_ERR_MIDDLEWARE_WITHOUT_USE',
    (name: string, module: string) =>
      `${name}, applied in ${module}.configure(), has no use(req, res, next) method. Implement NestMiddleware, or apply a plain function (req, res, next) instead.`,
  ),
  TYPE_ONLY: define('SN_ERR_TYPE_ONLY', (name: string) => `${name} stands for a type only (write typeof ${name}); it has no value to read at run time.`),
  INVALID_MODULE_OPTIONS: defineTypeError('SN_ERR_INVALID_MODULE_OPTIONS', (call: string, detail: string) => `${call}: ${detail}`),
  CORS_CREDENTIALS_ORIGIN: defineTypeError(
    'SN_ERR_CORS_CREDENTIALS_ORIGIN',
    (got: string) =>
      `CORS({ credentials: true }) needs the origins that may read credentialed responses, got origin ${got}. ` +
      `Write CORS({ credentials: true, origin: ['https://app.example.com'] }) or origin: (origin, callback) => callback(null, allowed(origin)); ` +
      `reflecting every origin would let any site read your users' cookie-authenticated streams.`,
  ),
  INVALID_OPTION: defineTypeError('SN_ERR_INVALID_OPTION', (where: string, key: string, rule: string) => `${where}: "${key}" ${rule}`),
  REDIS_UNREACHABLE: define(
    'SN_ERR_REDIS_UNREACHABLE',
    (cause: string, who = 'the SSE hub') => `could not connect to Redis for ${who}: ${cause}. Check the url, or start Redis (redis-server).`,
  ),
  NATS_UNREACHABLE: define(
    'SN_ERR_NATS_UNREACHABLE',
    (cause: string) => `could not connect to NATS for the SSE hub: ${cause}. Check the servers option, or start nats-server with JetStream (nats-server -js).`,
  ),
  NATS_STREAM: define(
    'SN_ERR_NATS_STREAM',
    (stream: string, cause: string) =>
      `the JetStream stream "${stream}" for the SSE hub cannot be used: ${cause}. Check that the server runs JetStream (nats-server -js) and that the account may create streams.`,
  ),
  REDIS_SHARDS_MISMATCH: define(
    'SN_ERR_REDIS_SHARDS_MISMATCH',
    (key: string, recorded: string, shards: number) =>
      `RedisStreamsTransport: the streams under "${key}" are split into ${recorded} shards, but this process has shards: ${shards}. ` +
      `Every process on a key must use the same count, or channels land in different shards; to change it, use a new key.`,
  ),
  OPTIONAL_DEPENDENCY: define('SN_ERR_OPTIONAL_DEPENDENCY', (feature: string, packages: string) => `${feature} needs ${packages}: run npm install ${packages}`),
  UNKNOWN_MODULE: define(
    'SN_ERR_UNKNOWN_MODULE',
    (module: string) => `${module} is not a module of this application: import it somewhere under the root module`,
  ),
  SCOPED_OUTSIDE_REQUEST: define(
    'SN_ERR_SCOPED_OUTSIDE_REQUEST',
    (token: string) =>
      `${token} is request-scoped (it is, or it depends on, a Scope.REQUEST provider or REQUEST), ` +
      `so it exists only within a request: inject it into a controller or another request-scoped provider, or get it with moduleRef.resolve()`,
  ),
  ALREADY_LISTENING: define(
    'SN_ERR_ALREADY_LISTENING',
    () => `the application is already listening: call app.listen() once. To serve another port too, create a second application.`,
  ),
  ENGINE_UNAVAILABLE: define('SN_ERR_ENGINE_UNAVAILABLE', (engine: string, why: string) => `engine '${engine}' cannot serve here: ${why}.`),
  RESPONSE_ENDED: define('SN_ERR_RESPONSE_ENDED', () => 'write after end: the response was already ended; write before calling end().'),
  RESPONSE_DESTROYED: define(
    'SN_ERR_RESPONSE_DESTROYED',
    () => 'the response was cut before it ended (res.destroy(), or a shutdown whose grace period ran out); the client saw the stream break.',
  ),
  NOT_LISTENING: define(
    'SN_ERR_NOT_LISTENING',
    (call: string) => `${call}: the application is not listening. Call it once await app.listen() has resolved, and before app.close().`,
  ),
  NOT_INITIALIZED: define(
    'SN_ERR_NOT_INITIALIZED',
    (call: string) => `${call}: the application has not built its routes yet. Call it once await app.init() (or app.listen()) has resolved.`,
  ),
  PROVIDER_NOT_EXPORTED: define(
    'SN_ERR_PROVIDER_NOT_EXPORTED',
    (consumer: string, index: number | string, token: string, module: string, owner: string) =>
      `${consumer} cannot be created: its constructor parameter #${index} (${token}) is not visible in module ${module}: ` +
      `${owner} provides ${token} but does not export it. Add ${token} to the exports of ${owner}, and import ${owner} into ${module}.`,
  ),
  PROVIDER_NOT_IMPORTED: define(
    'SN_ERR_PROVIDER_NOT_IMPORTED',
    (consumer: string, index: number | string, token: string, module: string, owner: string) =>
      `${consumer} cannot be created: its constructor parameter #${index} (${token}) is not visible in module ${module}: ` +
      `${owner} exports it, but ${module} does not import ${owner}. Add ${owner} to the imports of ${module}.`,
  ),
  INVALID_ARGUMENT: defineTypeError('SN_ERR_INVALID_ARGUMENT', (call: string, rule: string, got: string) => `${call}: ${rule}, got ${got}`),
  COOKIE_SECRET: define(
    'SN_ERR_COOKIE_SECRET',
    (name: string) =>
      `res.cookie(${JSON.stringify(name)}, …, { signed: true }) needs a secret to sign with, and req.secret is not set. ` +
      `Mount a cookie parser with one first: app.use(cookieParser(process.env.COOKIE_SECRET)) (from streamnest/cookies or cookie-parser), ` +
      `or import CookiesModule.forRoot({ secret }).`,
  ),
  COOKIE_PARSER_MISSING: define(
    'SN_ERR_COOKIE_PARSER_MISSING',
    (decorator: string) =>
      `${decorator} reads req.signedCookies, and no cookie parser has set it. ` +
      `Import CookiesModule.forRoot({ secret }) or mount app.use(cookieParser(secret)) from streamnest/cookies.`,
  ),
  INVALID_PIPE_OPTION: defineTypeError('SN_ERR_INVALID_PIPE_OPTION', (pipe: string, detail: string) => `${pipe}: ${detail}`),
  UNKNOWN_MODULE_PROPERTY: defineTypeError(
    'SN_ERR_UNKNOWN_MODULE_PROPERTY',
    (key: string, known: readonly string[]) => `@Module(): unknown property "${key}"; allowed are ${known.join(', ')}. Check its spelling.`,
  ),
  DECORATOR_PLACEMENT: defineTypeError(
    'SN_ERR_DECORATOR_PLACEMENT',
    (decorator: string, placement: string) => `${decorator} belongs on ${placement}; move it there.`,
  ),
  MIDDLEWARE_NO_REASON: define(
    'SN_ERR_MIDDLEWARE_NO_REASON',
    (middleware: string, how: 'threw' | 'rejected with', value: unknown) =>
      `middleware ${middleware} ${how} ${String(value)}, not an Error, so the request fails without a reason to log. ` +
      `Throw an Error, or call next(error), so the log says what went wrong.`,
  ),
  NOT_A_STREAM: defineTypeError(
    'SN_ERR_NOT_A_STREAM',
    (got: string) => `new StreamableFile(): give a Buffer, a Uint8Array or a Node Readable stream, got ${got}`,
  ),
  JWT_INVALID: entry('SN_ERR_JWT_INVALID', 'Error', (reason: string) => new JsonWebTokenError(reason)),
  JWT_EXPIRED: entry('SN_ERR_JWT_EXPIRED', 'Error', (reason: string, expiredAt: Date) => new TokenExpiredError(reason, expiredAt)),
  JWT_NOT_BEFORE: entry('SN_ERR_JWT_NOT_BEFORE', 'Error', (reason: string, date: Date) => new NotBeforeError(reason, date)),
  JWT_NO_KEY: define(
    'SN_ERR_JWT_NO_KEY',
    (call: string, which: string) =>
      `${call} has no key to use: give JwtModule.register() a ${which}, or pass one in the call's options (or a secretOrKeyProvider).`,
  ),
  JWT_KEY: defineTypeError(
    'SN_ERR_JWT_KEY',
    (where: string, rule: string) => `${where}: ${rule}. Give a string or Buffer secret for HMAC, or a PEM key (or KeyObject) for RSA or EC.`,
  ),
  JWT_ALGORITHM: defineTypeError(
    'SN_ERR_JWT_ALGORITHM',
    (where: string, algorithm: string, family: string, allowed: readonly string[]) =>
      `${where}: the algorithm ${algorithm} cannot be used with ${family}; use one of ${allowed.join(', ')}. ` +
      `Algorithms are pinned to the kind of key, so a token of one kind never verifies with a key of another.`,
  ),
  TEST_CLIENT_TIMEOUT: define(
    'SN_ERR_TEST_CLIENT_TIMEOUT',
    (ms: number, what: string, received: number) =>
      `SseTestClient: timed out after ${ms} ms waiting for ${what}; got ${received} events. Check that the stream sends them, or give a longer timeout.`,
  ),
  INVALID_ALIAS: defineTypeError(
    'SN_ERR_INVALID_ALIAS',
    (where: string, rule: string, got: string) =>
      `${where}: ${rule}, got ${got}. Write { alias: '/v1/users' } or { alias: ['\${prefix}/people'], isAliasOnly: true } (see README: Route aliases).`,
  ),
  VIEWS_NOT_CONFIGURED: define(
    'SN_ERR_VIEWS_NOT_CONFIGURED',
    (what: string) =>
      `${what} needs a view engine, and the app has none. Call app.setViewEngine('ejs') (or 'hbs', or an engine object) and app.setBaseViewsDir(dir) before listen().`,
  ),
  VIEW_ENGINE_MISSING: define(
    'SN_ERR_VIEW_ENGINE_MISSING',
    (engine: string, pkg: string, reason: string) =>
      `app.setViewEngine(${JSON.stringify(engine)}) needs the package ${pkg}, which could not be loaded (${reason}). Install it: npm install ${pkg}.`,
  ),
  INVALID_VIEW_ENGINE: defineTypeError(
    'SN_ERR_INVALID_VIEW_ENGINE',
    (detail: string, got: string) =>
      `app.setViewEngine(): ${detail}, got ${got}. Give 'ejs', 'hbs', a package name, an object with compile(source, options) or render(source, data), or an Express engine (path, options, callback).`,
  ),
  VIEW_NOT_FOUND: define(
    'SN_ERR_VIEW_NOT_FOUND',
    (name: string, tried: readonly string[]) =>
      `template ${JSON.stringify(name)} not found: looked for ${tried.join(', ')}. Check the name and app.setBaseViewsDir().`,
  ),
  VIEW_OUTSIDE_DIR: define(
    'SN_ERR_VIEW_OUTSIDE_DIR',
    (name: string) =>
      `template name ${JSON.stringify(name)} is refused: it leads outside the views directory (or holds a NUL). Never pass a name from the request to res.render() unchecked.`,
  ),
  VIEW_RENDER_FAILED: define(
    'SN_ERR_VIEW_RENDER_FAILED',
    (name: string, file: string, reason: string) => `template ${JSON.stringify(name)} (${file}) failed to render: ${reason}. Fix the template or its data.`,
  ),
  INVALID_CACHE_OPTION: defineTypeError('SN_ERR_INVALID_CACHE_OPTION', (what: string, detail: string) => `${what}: ${detail}`),
  CACHE_VALUE: defineTypeError(
    'SN_ERR_CACHE_VALUE',
    (key: string, cause: string) =>
      `the cache cannot store ${key}: a Redis store keeps JSON, and this value is not (${cause}). ` +
      `Store plain data: turn a BigInt into a string, break cycles, or keep it in a MemoryStore.`,
  ),
  CACHE_UNAVAILABLE: define(
    'SN_ERR_CACHE_UNAVAILABLE',
    (operation: string, key: string, cause: string) => `cache ${operation} of ${key} failed: ${cause}. Check that Redis is up and reachable.`,
  ),
  INVALID_CRON_EXPRESSION: defineTypeError(
    'SN_ERR_INVALID_CRON_EXPRESSION',
    (where: string, expression: string, cause: string) =>
      `${where}: ${expression} is not a valid cron expression or time zone (${cause}). ` +
      `Give 5 fields (minute hour day month weekday), 6 with seconds first, a CronExpression value, and an IANA time zone such as 'Europe/Paris'.`,
  ),
  SCHEDULER_DUPLICATE: define(
    'SN_ERR_SCHEDULER_DUPLICATE',
    (kind: string, name: string) => `a ${kind} named ${JSON.stringify(name)} is already registered: give each job its own name, or delete the old one first.`,
  ),
  SCHEDULER_NOT_FOUND: define(
    'SN_ERR_SCHEDULER_NOT_FOUND',
    (kind: string, name: string) => `no ${kind} named ${JSON.stringify(name)} is registered: check the name, or its doesExist() first.`,
  ),
  SCHEDULE_NO_LOCKER: define(
    'SN_ERR_SCHEDULE_NO_LOCKER',
    (where: string) =>
      `${where} is distributed, but ScheduleModule.forRoot() was given no distributed.locker: ` +
      `pass { distributed: { locker: new RedisCronLocker({ url }) } }, or remove distributed: true.`,
  ),
  UPLOAD_FILE_NAME: define(
    'SN_ERR_UPLOAD_FILE_NAME',
    (name: unknown) =>
      `diskStorage's filename gave ${JSON.stringify(String(name))}, which is not a plain file name, so the upload was refused rather than stored outside its directory. ` +
      `Return a name without / or \\, not "." or "..": leave filename out for a random one, and keep the client's name as metadata (file.originalname).`,
    { status: 400, publicMessage: 'The uploaded file cannot be stored under that name.' },
  ),
} as const;
