// streamnest/jwt: JwtService as @nestjs/jwt has it, with the algorithms pinned
// to the kind of key: tampered, expired and not-yet-valid tokens, the clock
// tolerance, `alg: none`, the HMAC/RSA confusion, decode, registerAsync, and
// the AuthGuard example through HTTP with a Bearer token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { Controller, Get, Headers, Injectable, Module, StreamnestError } from 'streamnest';
import { JsonWebTokenError, JWT_MODULE_OPTIONS, JwtModule, JwtSecretRequestType, JwtService, NotBeforeError, TokenExpiredError } from 'streamnest/jwt';
import { Test } from 'streamnest/testing';
import { authModule } from '../../examples/jwt/app.module.js';
import { startApp } from '../support/app.js';
import { call } from './support.js';

const SECRET = 'a secret of at least thirty-two bytes!!';
const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const ec = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token written by hand: any header, any payload, a signature made by `sign` (or none). */
function handmade(header: object, payload: object, sign?: (input: string) => string): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign ? sign(input) : ''}`;
}

function rejects(fn: () => unknown, type: Function, code: string, message?: RegExp): void {
  assert.throws(fn, (error: any) => {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${error?.name}: ${error?.message}`);
    assert.ok(error instanceof JsonWebTokenError && error instanceof StreamnestError);
    assert.equal(error.name, type.name);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

test('sign and verify round-trip with an HMAC secret; verifyAsync and signAsync too', async () => {
  const jwt = new JwtService({ secret: SECRET, signOptions: { expiresIn: '1h', issuer: 'tests' } });
  const token = jwt.sign({ sub: '7', role: 'admin' });
  assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, 'HS256');
  const payload = jwt.verify(token);
  assert.equal(payload.sub, '7');
  assert.equal(payload.iss, 'tests');
  assert.equal(payload.exp - payload.iat, 3600);
  assert.equal((await jwt.verifyAsync(await jwt.signAsync({ sub: '8' }))).sub, '8');
});

test('a tampered token is JsonWebTokenError (SN_ERR_JWT_INVALID): payload, signature, or another secret', async () => {
  const jwt = new JwtService({ secret: SECRET });
  const token = jwt.sign({ sub: '7', role: 'user' });
  const [header, , signature] = token.split('.');
  rejects(
    () => jwt.verify(`${header}.${b64url({ sub: '7', role: 'admin', iat: now() })}.${signature}`),
    JsonWebTokenError,
    'SN_ERR_JWT_INVALID',
    /invalid signature/,
  );
  rejects(() => jwt.verify(`${token.slice(0, -4)}AAAA`), JsonWebTokenError, 'SN_ERR_JWT_INVALID');
  rejects(() => jwt.verify(new JwtService({ secret: 'another secret' }).sign({ sub: '7' })), JsonWebTokenError, 'SN_ERR_JWT_INVALID');
  for (const garbage of ['', 'a.b', 'not a token', '...', `${token}.extra`]) rejects(() => jwt.verify(garbage), JsonWebTokenError, 'SN_ERR_JWT_INVALID');
  await assert.rejects(jwt.verifyAsync(`${token}x`), (error: unknown) => error instanceof JsonWebTokenError);
});

test('expiry: TokenExpiredError with expiredAt, past the default 5 s clock tolerance only', () => {
  const jwt = new JwtService({ secret: SECRET });
  const longGone = jwt.sign({ sub: '1', exp: now() - 60 });
  rejects(() => jwt.verify(longGone), TokenExpiredError, 'SN_ERR_JWT_EXPIRED', /jwt expired/);
  try {
    jwt.verify(longGone);
  } catch (error) {
    assert.equal((error as TokenExpiredError).expiredAt.getTime(), (now() - 60) * 1000);
  }
  // Two seconds late is within the tolerance; with none, it is expired.
  const justGone = jwt.sign({ sub: '1', exp: now() - 2 });
  assert.equal(jwt.verify(justGone).sub, '1');
  rejects(() => jwt.verify(justGone, { clockTolerance: 0 }), TokenExpiredError, 'SN_ERR_JWT_EXPIRED');
  rejects(() => new JwtService({ secret: SECRET, verifyOptions: { clockTolerance: 0 } }).verify(justGone), TokenExpiredError, 'SN_ERR_JWT_EXPIRED');
  assert.equal(jwt.verify(longGone, { ignoreExpiration: true }).sub, '1');
});

test('not before: NotBeforeError with its date, past the clock tolerance only', () => {
  const jwt = new JwtService({ secret: SECRET });
  const later = jwt.sign({ sub: '1' }, { notBefore: 60 });
  rejects(() => jwt.verify(later), NotBeforeError, 'SN_ERR_JWT_NOT_BEFORE', /jwt not active/);
  try {
    jwt.verify(later);
  } catch (error) {
    assert.ok((error as NotBeforeError).date.getTime() > Date.now() + 50_000);
  }
  const soon = jwt.sign({ sub: '1', nbf: now() + 2 });
  assert.equal(jwt.verify(soon).sub, '1');
  rejects(() => jwt.verify(soon, { clockTolerance: 0 }), NotBeforeError, 'SN_ERR_JWT_NOT_BEFORE');
});

test('alg none is never accepted, however the token is dressed', () => {
  const jwt = new JwtService({ secret: SECRET });
  for (const alg of ['none', 'None', 'NONE']) {
    rejects(() => jwt.verify(handmade({ alg, typ: 'JWT' }, { sub: 'admin', iat: now() })), JsonWebTokenError, 'SN_ERR_JWT_INVALID');
  }
  rejects(() => jwt.verify(handmade({ alg: 'none' }, { sub: 'admin' }, () => 'c2ln')), JsonWebTokenError, 'SN_ERR_JWT_INVALID');
  assert.throws(() => new JwtService({ secret: SECRET, signOptions: { algorithm: 'none' as never } }), {
    code: 'SN_ERR_JWT_ALGORITHM',
    name: 'StreamnestTypeError',
  });
  assert.throws(() => new JwtService({ secret: SECRET, verifyOptions: { algorithms: ['HS256', 'none' as never] } }), { code: 'SN_ERR_JWT_ALGORITHM' });
  assert.throws(() => jwt.verify(jwt.sign({}), { algorithms: ['none' as never] }), { code: 'SN_ERR_JWT_ALGORITHM' });
});

test('only the algorithm configured verifies: an HS512 token fails where HS256 is pinned, and passes where HS512 is', () => {
  const hs256 = new JwtService({ secret: SECRET });
  const hs512 = new JwtService({ secret: SECRET, signOptions: { algorithm: 'HS512' } });
  const token512 = hs512.sign({ sub: '1' });
  rejects(() => hs256.verify(token512), JsonWebTokenError, 'SN_ERR_JWT_INVALID', /invalid algorithm/);
  assert.equal(hs512.verify(token512).sub, '1');
  rejects(() => hs512.verify(hs256.sign({ sub: '1' })), JsonWebTokenError, 'SN_ERR_JWT_INVALID', /invalid algorithm/);
  const either = new JwtService({ secret: SECRET, verifyOptions: { algorithms: ['HS256', 'HS512'] } });
  assert.equal(either.verify(token512).sub, '1');
  assert.equal(either.verify(hs256.sign({ sub: '2' })).sub, '2');
});

test('HMAC/RSA confusion: a token signed HS256 with the RSA public key as its secret never verifies', () => {
  const jwt = new JwtService({ privateKey: rsa.privateKey, publicKey: rsa.publicKey, signOptions: { algorithm: 'RS256' } });
  const genuine = jwt.sign({ sub: '1' });
  assert.equal(jwt.verify(genuine).sub, '1');
  const forged = handmade({ alg: 'HS256', typ: 'JWT' }, { sub: 'admin', iat: now() }, (input) =>
    createHmac('sha256', rsa.publicKey).update(input).digest('base64url'),
  );
  rejects(() => jwt.verify(forged), JsonWebTokenError, 'SN_ERR_JWT_INVALID', /invalid algorithm/);
  // Even when the caller asks for HS256, the RSA key cannot serve as an HMAC secret.
  assert.throws(() => jwt.verify(forged, { algorithms: ['HS256'] }), { code: 'SN_ERR_JWT_ALGORITHM' });
  assert.throws(() => jwt.verify(forged, { publicKey: rsa.publicKey, algorithms: ['HS256'] }), { code: 'SN_ERR_JWT_ALGORITHM' });
  // A PEM key given as a `secret` is refused rather than used as HMAC key material.
  assert.throws(() => new JwtService({ secret: rsa.publicKey }), { code: 'SN_ERR_JWT_KEY' });
  assert.throws(() => new JwtService({ secret: SECRET }).verify(forged, { secret: rsa.publicKey }), { code: 'SN_ERR_JWT_KEY' });
  // And the other way: an RS256 token never verifies with an HMAC secret.
  rejects(() => new JwtService({ secret: SECRET }).verify(genuine), JsonWebTokenError, 'SN_ERR_JWT_INVALID', /invalid algorithm/);
  // An HMAC algorithm cannot be configured for RSA keys.
  assert.throws(() => new JwtService({ privateKey: rsa.privateKey, signOptions: { algorithm: 'HS256' } }), { code: 'SN_ERR_JWT_ALGORITHM' });
  assert.throws(() => new JwtService({ publicKey: rsa.publicKey, verifyOptions: { algorithms: ['RS256', 'HS256'] } }), { code: 'SN_ERR_JWT_ALGORITHM' });
});

test('EC keys sign and verify with the algorithm of their curve only; an RSA key does not verify them', () => {
  const jwt = new JwtService({ privateKey: ec.privateKey, publicKey: ec.publicKey });
  const token = jwt.sign({ sub: 'e' });
  assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, 'ES256');
  assert.equal(jwt.verify(token).sub, 'e');
  rejects(() => new JwtService({ publicKey: rsa.publicKey }).verify(token), JsonWebTokenError, 'SN_ERR_JWT_INVALID', /invalid algorithm/);
  assert.throws(() => new JwtService({ privateKey: ec.privateKey, signOptions: { algorithm: 'ES384' } }), { code: 'SN_ERR_JWT_ALGORITHM' });
  // With only the private key, verifying uses its public half.
  assert.equal(new JwtService({ privateKey: ec.privateKey }).verify(token).sub, 'e');
});

test('decode reads without verifying: a tampered token still decodes, a malformed one is null', () => {
  const jwt = new JwtService({ secret: SECRET });
  const token = jwt.sign({ sub: '7' });
  const tampered = `${token.split('.')[0]}.${b64url({ sub: 'admin' })}.${token.split('.')[2]}`;
  assert.deepEqual(jwt.decode(tampered), { sub: 'admin' });
  const complete = jwt.decode(token, { complete: true });
  assert.equal(complete.header.alg, 'HS256');
  assert.equal(complete.payload.sub, '7');
  assert.equal(jwt.decode('not a token'), null);
  assert.equal(jwt.decode(undefined as never), null);
});

test('keys per call and from secretOrKeyProvider; a Promise from the provider needs the async methods', async () => {
  const jwt = new JwtService({
    secretOrKeyProvider: (type) => (type === JwtSecretRequestType.SIGN ? rsa.privateKey : rsa.publicKey),
  });
  const token = jwt.sign({ sub: 'p' });
  assert.equal(jwt.verify(token).sub, 'p');
  assert.equal(new JwtService().verify(new JwtService().sign({ sub: 'c' }, { secret: SECRET }), { secret: SECRET }).sub, 'c');
  const async = new JwtService({ secretOrKeyProvider: async () => SECRET });
  assert.equal((await async.verifyAsync(await async.signAsync({ sub: 'a' }))).sub, 'a');
  assert.throws(() => async.sign({ sub: 'a' }), { code: 'SN_ERR_INVALID_ARGUMENT', message: /signAsync/ });
  assert.throws(() => new JwtService().sign({ sub: 'x' }), { code: 'SN_ERR_JWT_NO_KEY' });
  assert.throws(() => new JwtService().verify(token), { code: 'SN_ERR_JWT_NO_KEY' });
  assert.throws(() => new JwtService({ secret: '' }), { code: 'SN_ERR_JWT_KEY' });
  assert.throws(() => new JwtService({ publicKey: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----' }), { code: 'SN_ERR_JWT_KEY' });
  assert.throws(() => new JwtService({ secret: SECRET }).sign({ sub: 'x' }, { expiresIn: 'soon' }), { code: 'SN_ERR_INVALID_ARGUMENT' });
});

@Injectable()
class Config {
  readonly jwtSecret = 'secret from config';
}

@Module({ providers: [Config], exports: [Config] })
class ConfigModule {}

test('JwtModule.registerAsync({ imports, useFactory, inject }) and register(): JwtService is injected with the options', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [JwtModule.registerAsync({ imports: [ConfigModule], useFactory: (config: Config) => ({ secret: config.jwtSecret }), inject: [Config] })],
  }).compile();
  const jwt = moduleRef.get(JwtService);
  assert.equal(new JwtService({ secret: 'secret from config' }).verify(jwt.sign({ sub: 'f' })).sub, 'f');
  assert.deepEqual(moduleRef.get(JWT_MODULE_OPTIONS), { secret: 'secret from config' });
  assert.throws(() => JwtModule.registerAsync({}), { code: 'SN_ERR_INVALID_MODULE_OPTIONS' });
  // A bad key fails at start-up, not at the first request.
  await assert.rejects(Test.createTestingModule({ imports: [JwtModule.register({ secret: rsa.publicKey })] }).compile(), { code: 'SN_ERR_JWT_KEY' });
});

@Controller('unguarded')
class UnguardedController {
  constructor(private readonly jwt: JwtService) {}
  @Get()
  me(@Headers('x-token') token: string) {
    return this.jwt.verify(token);
  }
}

test('the AuthGuard example over HTTP: login, then a Bearer token opens /auth/profile; anything else is 401', async (t) => {
  const AuthModule = authModule(SECRET, '15m');
  const { url, close } = await startApp({ imports: [AuthModule], controllers: [UnguardedController] });
  t.after(close);
  assert.equal(
    (await call(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"ada","password":"no"}' })).status,
    401,
  );
  const login = await call(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"username":"ada","password":"lovelace"}',
  });
  assert.equal(login.status, 200);
  const token = login.body.access_token as string;
  const profile = await call(`${url}/auth/profile`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(profile.status, 200);
  assert.equal(profile.body.username, 'ada');
  assert.equal(profile.body.sub, '1');

  const jwt = new JwtService({ secret: SECRET });
  const [header, , signature] = token.split('.');
  const refused = {
    'no header': undefined,
    'not Bearer': `Basic ${token}`,
    tampered: `Bearer ${header}.${b64url({ sub: '1', username: 'root', iat: now() })}.${signature}`,
    expired: `Bearer ${jwt.sign({ sub: '1', username: 'ada', exp: now() - 60 })}`,
    'not yet valid': `Bearer ${jwt.sign({ sub: '1', username: 'ada' }, { notBefore: '1h' })}`,
    'alg none': `Bearer ${handmade({ alg: 'none' }, { sub: '1', username: 'ada' })}`,
    'another secret': `Bearer ${new JwtService({ secret: 'not the secret' }).sign({ sub: '1', username: 'ada' })}`,
    'RSA-signed': `Bearer ${new JwtService({ privateKey: rsa.privateKey }).sign({ sub: '1', username: 'ada' })}`,
  };
  for (const [what, authorization] of Object.entries(refused)) {
    const res = await call(`${url}/auth/profile`, authorization ? { headers: { authorization } } : undefined);
    assert.equal(res.status, 401, what);
    assert.deepEqual(res.body, { statusCode: 401, message: 'Unauthorized' }, what);
  }

  // A verification error that nothing catches answers 401 as well, never 500, and says nothing of why.
  const escaped = await call(`${url}/unguarded`, { headers: { 'x-token': refused.expired.slice(7) } });
  assert.deepEqual([escaped.status, escaped.body], [401, { statusCode: 401, message: 'Unauthorized' }]);
});
