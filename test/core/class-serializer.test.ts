import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Exclude, Expose, Transform } from 'class-transformer';
import {
  ClassSerializerInterceptor,
  Controller,
  Get,
  Injectable,
  NotFoundException,
  Reflector,
  SerializeOptions,
  StreamableFile,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

class RoleEntity {
  constructor(
    readonly id: number,
    readonly name: string,
  ) {}
}

class UserEntity {
  id!: number;
  firstName!: string;
  lastName!: string;
  @Exclude() password!: string;
  @Expose({ groups: ['admin'] }) email!: string;
  @Transform(({ value }) => value?.name) role!: RoleEntity;
  @Expose() get fullName(): string {
    return `${this.firstName} ${this.lastName}`;
  }
  constructor(partial: Partial<UserEntity>) {
    Object.assign(this, partial);
  }
}

const ada = () =>
  new UserEntity({ id: 1, firstName: 'Ada', lastName: 'Lovelace', password: 'secret', email: 'ada@example.com', role: new RoleEntity(1, 'admin') });

/**
 * A stand-in for rxjs's Observable (the real one is not a dependency here):
 * a constructor taking a subscribe function, `subscribe` and `pipe`.
 */
class MiniObservable<T> {
  // biome-ignore lint/suspicious/noConfusingVoidType: a subscribe function that returns nothing must fit, as with rxjs
  constructor(private readonly subscribeFn: (subscriber: { next(v: T): void; error(e: unknown): void; complete(): void }) => (() => void) | void) {}
  subscribe(observer: { next?(v: T): void; error?(e: unknown): void; complete?(): void }) {
    let closed = false;
    const teardown = this.subscribeFn({
      next: (v) => {
        if (!closed) observer.next?.(v);
      },
      error: (e) => {
        if (!closed) {
          closed = true;
          observer.error?.(e);
        }
      },
      complete: () => {
        if (!closed) {
          closed = true;
          observer.complete?.();
        }
      },
    });
    return {
      unsubscribe: () => {
        closed = true;
        teardown?.();
      },
    };
  }
  pipe(...operators: Array<(source: unknown) => unknown>): unknown {
    return operators.reduce((source, op) => op(source), this as unknown);
  }
}
class MiniSubject<T> extends MiniObservable<T> {
  constructor() {
    super(() => undefined);
  }
}

/** Gives the serializer a `next.handle()` that is an Observable, as the framework will when rxjs is installed. */
@Injectable()
class ObservableHandle implements NestInterceptor {
  private readonly serializer: ClassSerializerInterceptor;
  constructor(reflector: Reflector) {
    this.serializer = new ClassSerializerInterceptor(reflector);
  }
  intercept(ctx: ExecutionContext, next: CallHandler) {
    const handled = new MiniObservable<unknown>((subscriber) => {
      next.handle().then(
        (value) => {
          subscriber.next(value);
          subscriber.complete();
        },
        (error) => subscriber.error(error),
      );
    });
    const result = this.serializer.intercept(ctx, { handle: () => handled as never });
    const res = ctx.switchToHttp().getResponse<ServerResponse>();
    res.setHeader('X-Kind', result instanceof MiniObservable ? 'observable' : typeof result);
    return result;
  }
}

@Controller('u')
@UseInterceptors(ClassSerializerInterceptor)
class UsersController {
  @Get('one') one() {
    return ada();
  }
  @Get('many') many() {
    return [ada(), new UserEntity({ id: 2, firstName: 'Alan', lastName: 'Turing', password: 'enigma' })];
  }
  @Get('async') async later() {
    await new Promise((r) => setImmediate(r));
    return ada();
  }
  @Get('admin') @SerializeOptions({ groups: ['admin'] }) admin() {
    return ada();
  }
  @Get('plain') @SerializeOptions({ type: UserEntity }) plain() {
    return { id: 3, firstName: 'Grace', lastName: 'Hopper', password: 'cobol' };
  }
  @Get('exclude-all') @SerializeOptions({ strategy: 'excludeAll' }) excludeAll() {
    return ada();
  }
  @Get('string') string() {
    return 'just text';
  }
  @Get('file') file() {
    return new StreamableFile(Buffer.from('raw bytes'), { type: 'text/plain' });
  }
  @Get('nothing') nothing() {
    return null;
  }
  @Get('stream') stream() {
    return Readable.from([Buffer.from('streamed '), Buffer.from('as is')]);
  }
  @Get('bytes') bytes() {
    return Buffer.from('bytes as is');
  }
  @Get('missing') missing() {
    throw new NotFoundException('no such user');
  }
  @Get('rx') @UseInterceptors(ObservableHandle) rx() {
    return ada();
  }
  @Get('rx-error') @UseInterceptors(ObservableHandle) rxError() {
    throw new NotFoundException('gone');
  }
}

@Controller('g')
class GloballySerialized {
  @Get('one') one() {
    return ada();
  }
}

test('ClassSerializerInterceptor applies @Exclude, @Expose and @Transform to instances and arrays', async (t) => {
  const { url, close } = await startApp({ controllers: [UsersController] });
  t.after(close);
  const expected = { id: 1, firstName: 'Ada', lastName: 'Lovelace', role: 'admin', fullName: 'Ada Lovelace' };
  assert.deepEqual((await call(`${url}/u/one`)).body, expected);
  assert.deepEqual((await call(`${url}/u/async`)).body, expected);
  const many = (await call(`${url}/u/many`)).body;
  assert.equal(many.length, 2);
  assert.deepEqual(many[1], { id: 2, firstName: 'Alan', lastName: 'Turing', fullName: 'Alan Turing' });
});

test('@SerializeOptions: groups, a type for plain results, a strategy', async (t) => {
  const { url, close } = await startApp({ controllers: [UsersController] });
  t.after(close);
  assert.equal((await call(`${url}/u/admin`)).body.email, 'ada@example.com');
  assert.deepEqual((await call(`${url}/u/plain`)).body, { id: 3, firstName: 'Grace', lastName: 'Hopper', fullName: 'Grace Hopper' });
  assert.deepEqual((await call(`${url}/u/exclude-all`)).body, { fullName: 'Ada Lovelace' });
});

test('strings, null, StreamableFiles, streams, Buffers and errors pass through untouched', async (t) => {
  const { url, close } = await startApp({ controllers: [UsersController] });
  t.after(close);
  assert.equal((await call(`${url}/u/stream`)).text, 'streamed as is');
  assert.equal((await call(`${url}/u/bytes`)).text, 'bytes as is');
  assert.equal((await call(`${url}/u/string`)).text, 'just text');
  const file = await call(`${url}/u/file`);
  assert.equal(file.text, 'raw bytes');
  assert.equal(file.headers.get('content-type'), 'text/plain');
  const nothing = await call(`${url}/u/nothing`);
  assert.equal(nothing.status, 200);
  assert.equal(nothing.text, '');
  const missing = await call(`${url}/u/missing`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { message: 'no such user', error: 'Not Found', statusCode: 404 });
});

test('when next.handle() is an Observable, the result is an Observable of the same library, errors included', async (t) => {
  const { url, close } = await startApp({ controllers: [UsersController] });
  t.after(close);
  const rx = await call(`${url}/u/rx`);
  assert.equal(rx.headers.get('x-kind'), 'observable');
  assert.deepEqual(rx.body, { id: 1, firstName: 'Ada', lastName: 'Lovelace', role: 'admin', fullName: 'Ada Lovelace' });
  const failed = await call(`${url}/u/rx-error`);
  assert.equal(failed.status, 404);
  assert.deepEqual(failed.body, { message: 'gone', error: 'Not Found', statusCode: 404 });
});

test('a global ClassSerializerInterceptor with default options', async (t) => {
  const { url, close } = await startApp({ controllers: [GloballySerialized] }, (app) => {
    app.useGlobalInterceptors(new ClassSerializerInterceptor(app.get(Reflector), { groups: ['admin'] }));
  });
  t.after(close);
  const body = (await call(`${url}/g/one`)).body;
  assert.equal(body.email, 'ada@example.com');
  assert.equal(body.password, undefined);
});

test('the Observable mapping: a subclass (a Subject) maps through its base class; unsubscribing reaches the source', () => {
  const serializer = new ClassSerializerInterceptor(new Reflector());
  const ctx = { getHandler: () => function handler() {}, getClass: () => class Controller {} } as unknown as ExecutionContext;
  let torn = false;
  let emit: ((v: unknown) => void) | undefined;
  const source = new MiniSubject<unknown>();
  (source as unknown as { subscribe: unknown }).subscribe = (observer: { next(v: unknown): void }) => {
    emit = (v) => observer.next(v);
    return {
      unsubscribe: () => {
        torn = true;
      },
    };
  };
  const mapped = serializer.intercept(ctx, { handle: () => source as never }) as MiniObservable<unknown>;
  assert.ok(mapped instanceof MiniObservable);
  assert.ok(!(mapped instanceof MiniSubject));
  const seen: unknown[] = [];
  const subscription = mapped.subscribe({ next: (v) => seen.push(v) });
  emit!(ada());
  emit!([ada()]);
  assert.deepEqual(
    seen.map((v) => JSON.stringify(v)),
    [
      JSON.stringify({ id: 1, firstName: 'Ada', lastName: 'Lovelace', role: 'admin', fullName: 'Ada Lovelace' }),
      JSON.stringify([{ id: 1, firstName: 'Ada', lastName: 'Lovelace', role: 'admin', fullName: 'Ada Lovelace' }]),
    ],
  );
  subscription.unsubscribe();
  assert.equal(torn, true);
  // A plain value from next.handle() is mapped directly.
  assert.deepEqual(serializer.intercept(ctx, { handle: () => ada() as never }), {
    id: 1,
    firstName: 'Ada',
    lastName: 'Lovelace',
    role: 'admin',
    fullName: 'Ada Lovelace',
  });
});

test('without a usable class-transformer it fails at construction, with a code that says what to install', () => {
  assert.throws(
    () => new ClassSerializerInterceptor(new Reflector(), { transformerPackage: {} }),
    (error: Error & { code?: string }) => error.code === 'SN_ERR_OPTIONAL_DEPENDENCY' && /npm install class-transformer/.test(error.message),
  );
});
