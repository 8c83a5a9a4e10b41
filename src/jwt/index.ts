/// <reference types="node" preserve="true" />
/**
 * streamnest/jwt: @nestjs/jwt's JwtModule and JwtService, on jsonwebtoken (an
 * optional peer: npm install jsonwebtoken), with the algorithms pinned to the
 * kind of key.
 */
export { JWT_MODULE_OPTIONS } from './jwt.constants.js';
export { JwtModule } from './jwt.module.js';
export { JwtService } from './jwt.service.js';
export {
  type Algorithm,
  type DecodeOptions,
  type Duration,
  type JwtModuleAsyncOptions,
  type JwtModuleOptions,
  type JwtOptionsFactory,
  JwtSecretRequestType,
  type JwtSignOptions,
  type JwtVerifyOptions,
  type Secret,
  type SignOptions,
  type VerifyOptions,
} from './jwt.interfaces.js';
export { JsonWebTokenError, NotBeforeError, TokenExpiredError } from '../errors.js';
