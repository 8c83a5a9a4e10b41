import { createRequire } from 'node:module';
import type { KeyObject } from 'node:crypto';
import { Errors } from '../errors.js';

/** The part of jsonwebtoken streamnest calls; its own types are not a dependency. */
export interface JsonWebTokenLibrary {
  sign(payload: string | Buffer | object, key: KeyObject, options: object): string;
  verify(token: string, key: KeyObject, options: object): unknown;
  decode(token: string, options?: object): unknown;
}

let library: JsonWebTokenLibrary | undefined;

/**
 * jsonwebtoken, the library @nestjs/jwt is built on, loaded on first use: it is
 * an optional peer, so apps that never import streamnest/jwt do not install it.
 * Loaded synchronously, since `sign` and `verify` are, as in @nestjs/jwt.
 */
export function jsonwebtoken(): JsonWebTokenLibrary {
  if (library) return library;
  try {
    library = createRequire(import.meta.url)('jsonwebtoken') as JsonWebTokenLibrary;
  } catch {
    throw Errors.OPTIONAL_DEPENDENCY('JwtService (streamnest/jwt)', 'jsonwebtoken');
  }
  return library;
}
