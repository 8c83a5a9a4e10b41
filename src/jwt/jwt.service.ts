import { Inject, Injectable, Optional } from '../common/injectable.decorator.js';
import { Errors } from '../errors.js';
import { JWT_MODULE_OPTIONS } from './jwt.constants.js';
import {
  type Algorithm,
  type DecodeOptions,
  type JwtModuleOptions,
  JwtSecretRequestType,
  type JwtSignOptions,
  type JwtVerifyOptions,
  type Secret,
} from './jwt.interfaces.js';
import { jsonwebtoken } from './jsonwebtoken.js';
import { checkAlgorithms, checkHmacSecret, type PinnedKey, pinKey } from './key-algorithms.js';

/** Seconds of clock difference allowed on `exp` and `nbf` unless the options say otherwise. */
const DEFAULT_CLOCK_TOLERANCE = 5;

/** A module-level key, read once, with the algorithms it may use. */
interface Ready {
  pinned: PinnedKey;
  algorithms: readonly Algorithm[];
}

/**
 * Signs and verifies JSON Web Tokens, as @nestjs/jwt's JwtService does, on
 * jsonwebtoken, with the algorithms pinned to the kind of key:
 * - an HMAC secret signs and verifies HS256/384/512 only; an RSA key RS/PS; an
 *   EC key the ES algorithm of its curve. `none` is never accepted;
 * - `verify` accepts only the algorithms configured (by default the one the
 *   module signs with), so a token signed HS256 with the RSA public key as its
 *   secret never verifies, nor an RS256 token with an HMAC secret;
 * - `exp` and `nbf` are checked with a clock tolerance of 5 s by default.
 * The module's keys and algorithms are checked at start-up. Verification
 * failures throw `JsonWebTokenError`, `TokenExpiredError` or `NotBeforeError`
 * (jsonwebtoken's names, with codes), which answer 401 if nothing catches them.
 */
@Injectable()
export class JwtService {
  private readonly signing: Ready | undefined;
  private readonly verifying: Ready | undefined;

  constructor(@Optional() @Inject(JWT_MODULE_OPTIONS) private readonly options: JwtModuleOptions = {}) {
    jsonwebtoken();
    if (options.secret !== undefined) checkHmacSecret(options.secret, 'JwtModule: secret');
    const signKey = options.secret ?? options.privateKey;
    const verifyKey = options.secret ?? options.publicKey ?? options.privateKey;
    const signAlgorithm = options.signOptions?.algorithm;
    if (signKey !== undefined) {
      const pinned = pinKey(signKey, 'sign', 'JwtModule: the signing key');
      this.signing = {
        pinned,
        algorithms: checkAlgorithms(pinned, signAlgorithm === undefined ? undefined : [signAlgorithm], 'JwtModule: signOptions.algorithm'),
      };
    }
    if (verifyKey !== undefined) {
      const pinned = pinKey(verifyKey, 'verify', 'JwtModule: the verifying key');
      const configured = options.verifyOptions?.algorithms ?? (signAlgorithm === undefined ? undefined : [signAlgorithm]);
      this.verifying = { pinned, algorithms: checkAlgorithms(pinned, configured, 'JwtModule: verifyOptions.algorithms') };
    }
  }

  sign(payload: string | Buffer | object, options?: JwtSignOptions): string {
    return this.signWith(payload, options, this.keyFor(JwtSecretRequestType.SIGN, payload, options, false) as Secret | undefined);
  }

  async signAsync(payload: string | Buffer | object, options?: JwtSignOptions): Promise<string> {
    return this.signWith(payload, options, await this.keyFor(JwtSecretRequestType.SIGN, payload, options, true));
  }

  verify<T extends object = any>(token: string, options?: JwtVerifyOptions): T {
    return this.verifyWith(token, options, this.keyFor(JwtSecretRequestType.VERIFY, token, options, false) as Secret | undefined) as T;
  }

  async verifyAsync<T extends object = any>(token: string, options?: JwtVerifyOptions): Promise<T> {
    return this.verifyWith(token, options, await this.keyFor(JwtSecretRequestType.VERIFY, token, options, true)) as T;
  }

  /** The payload without checking anything: never trust it. `null` if the token is malformed. */
  decode<T = any>(token: string, options?: DecodeOptions): T {
    if (typeof token !== 'string') return null as T;
    return jsonwebtoken().decode(token, options) as T;
  }

  private signWith(payload: string | Buffer | object, options: JwtSignOptions | undefined, callKey: Secret | undefined): string {
    const { secret: _secret, privateKey: _privateKey, ...rest } = options ?? {};
    const merged = { ...this.options.signOptions, ...rest };
    const ready = callKey === undefined ? this.signing : this.ready(callKey, 'sign', merged.algorithm === undefined ? undefined : [merged.algorithm]);
    if (!ready) throw Errors.JWT_NO_KEY('JwtService.sign()', 'secret or privateKey');
    const [algorithm] = checkAlgorithms(ready.pinned, merged.algorithm === undefined ? ready.algorithms : [merged.algorithm], 'JwtService.sign(): algorithm');
    try {
      return jsonwebtoken().sign(payload, ready.pinned.key, { ...merged, algorithm });
    } catch (error) {
      throw Errors.INVALID_ARGUMENT('JwtService.sign(payload, options)', 'jsonwebtoken refused the payload or options', (error as Error).message);
    }
  }

  private verifyWith(token: string, options: JwtVerifyOptions | undefined, callKey: Secret | undefined): unknown {
    const { secret: _secret, publicKey: _publicKey, ...rest } = options ?? {};
    const merged = { clockTolerance: DEFAULT_CLOCK_TOLERANCE, ...this.options.verifyOptions, ...rest };
    const ready = callKey === undefined ? this.verifying : this.ready(callKey, 'verify', merged.algorithms);
    if (!ready) throw Errors.JWT_NO_KEY('JwtService.verify()', 'secret or publicKey');
    const algorithms = rest.algorithms === undefined ? ready.algorithms : checkAlgorithms(ready.pinned, rest.algorithms, 'JwtService.verify(): algorithms');
    try {
      return jsonwebtoken().verify(token, ready.pinned.key, { ...merged, algorithms });
    } catch (error) {
      throw asJwtError(error);
    }
  }

  /** A key given for one call (in the options, or by the provider), read and pinned for that call. */
  private ready(key: Secret, use: 'sign' | 'verify', requested: readonly unknown[] | undefined): Ready {
    const pinned = pinKey(key, use, `JwtService.${use}(): the key`);
    // The module's signing algorithm stays the default, if it suits this key.
    const signs = this.options.signOptions?.algorithm;
    const fallback = signs !== undefined && pinned.algorithms.includes(signs) ? [signs] : undefined;
    return { pinned, algorithms: checkAlgorithms(pinned, requested ?? fallback, `JwtService.${use}(): algorithms`) };
  }

  /** The key of the call's options, else the provider's; `undefined` means the module's own. */
  private keyFor(type: JwtSecretRequestType, subject: string | object | Buffer, options: JwtSignOptions | JwtVerifyOptions | undefined, async: boolean) {
    if (options?.secret !== undefined) checkHmacSecret(options.secret, 'JwtService: options.secret');
    const own =
      type === JwtSecretRequestType.SIGN
        ? (options?.secret ?? (options as JwtSignOptions)?.privateKey)
        : (options?.secret ?? (options as JwtVerifyOptions)?.publicKey);
    if (own !== undefined) return own;
    const provider = this.options.secretOrKeyProvider;
    if (!provider) return undefined;
    const provided = provider(type, subject, options);
    if (!async && provided instanceof Promise) {
      throw Errors.INVALID_ARGUMENT('secretOrKeyProvider', 'it returned a Promise, which only signAsync() and verifyAsync() can wait for', 'a Promise');
    }
    return provided;
  }
}

/** jsonwebtoken's failure as streamnest's error of the same name, with its code. */
function asJwtError(error: unknown): Error {
  const failure = error as { name?: string; message?: string; expiredAt?: Date; date?: Date };
  const reason = typeof failure?.message === 'string' ? failure.message : 'invalid token';
  if (failure?.name === 'TokenExpiredError') return Errors.JWT_EXPIRED(reason, failure.expiredAt ?? new Date(0));
  if (failure?.name === 'NotBeforeError') return Errors.JWT_NOT_BEFORE(reason, failure.date ?? new Date(0));
  return Errors.JWT_INVALID(reason);
}
