/// <reference types="node" preserve="true" />
import type { KeyObject } from 'node:crypto';
import type { ModuleMetadata, Provider, Type } from '../common/types.js';

/**
 * The types of @nestjs/jwt, declared here so the published types need neither
 * jsonwebtoken nor @types/jsonwebtoken. The option names are jsonwebtoken's.
 */

/** The algorithms streamnest signs and verifies with. `none` is not one of them. */
export type Algorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

/** Key material: an HMAC secret (string or Buffer), a PEM key, a KeyObject, or a private key with its passphrase. */
export type Secret = string | Buffer | KeyObject | { key: string | Buffer; passphrase: string };

/** A duration as a number of seconds or as jsonwebtoken (`ms`) reads it: `'1h'`, `'7d'`, `'15m'`. */
export type Duration = number | string;

export interface SignOptions {
  /** Default: the first algorithm of the key's kind (HS256, RS256, PS256, or ES256/384/512 by the curve). */
  algorithm?: Algorithm;
  keyid?: string;
  expiresIn?: Duration;
  notBefore?: Duration;
  audience?: string | string[];
  subject?: string;
  issuer?: string;
  jwtid?: string;
  mutatePayload?: boolean;
  noTimestamp?: boolean;
  header?: Record<string, unknown>;
  encoding?: string;
}

export interface VerifyOptions {
  /** The algorithms a token may use, all of the key's kind. Default: the one the module signs with. */
  algorithms?: Algorithm[];
  audience?: string | RegExp | Array<string | RegExp>;
  /** Seconds of clock difference allowed on `exp` and `nbf`. Default 5. */
  clockTolerance?: number;
  complete?: boolean;
  issuer?: string | string[];
  ignoreExpiration?: boolean;
  ignoreNotBefore?: boolean;
  jwtid?: string;
  nonce?: string;
  subject?: string;
  /** The oldest `iat` accepted, as a duration before now. */
  maxAge?: Duration;
  /** Seconds since the epoch to check against instead of now. */
  clockTimestamp?: number;
}

export interface DecodeOptions {
  /** Gives `{ header, payload, signature }` instead of the payload alone. */
  complete?: boolean;
  /** Parses the payload as JSON even without `typ: JWT`. */
  json?: boolean;
}

export enum JwtSecretRequestType {
  SIGN = 0,
  VERIFY = 1,
}

export interface JwtModuleOptions {
  /** Makes the module global, as in @nestjs/jwt. */
  global?: boolean;
  signOptions?: SignOptions;
  /** An HMAC secret, for signing and verifying alike. */
  secret?: string | Buffer;
  /** The public key that verifies (RSA or EC), when `privateKey` signs. */
  publicKey?: Secret;
  /** The private key that signs (RSA or EC). */
  privateKey?: Secret;
  /** Picks the key per call; it may return a Promise only for `signAsync`/`verifyAsync`. */
  secretOrKeyProvider?: (
    requestType: JwtSecretRequestType,
    tokenOrPayload: string | object | Buffer,
    options?: VerifyOptions | SignOptions,
  ) => Secret | Promise<Secret>;
  verifyOptions?: VerifyOptions;
}

export interface JwtOptionsFactory {
  createJwtOptions(): Promise<JwtModuleOptions> | JwtModuleOptions;
}

export interface JwtModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  global?: boolean;
  useExisting?: Type<JwtOptionsFactory>;
  useClass?: Type<JwtOptionsFactory>;
  useFactory?: (...args: any[]) => Promise<JwtModuleOptions> | JwtModuleOptions;
  inject?: any[];
  extraProviders?: Provider[];
}

export interface JwtSignOptions extends SignOptions {
  secret?: string | Buffer;
  privateKey?: Secret;
}

export interface JwtVerifyOptions extends VerifyOptions {
  secret?: string | Buffer;
  publicKey?: Secret;
}
