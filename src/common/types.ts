/** Shared type vocabulary: classes, tokens, providers and modules. */
import type { ForwardReference } from './forward-ref.js';
import type { Scope } from './scope.js';

export type Type<T = any> = new (...args: any[]) => T;
export type Abstract<T = any> = abstract new (...args: any[]) => T;
export type InjectionToken<T = any> = string | symbol | Type<T> | Abstract<T>;

export interface ClassProvider<T = any> {
  provide: InjectionToken;
  useClass: Type<T>;
  scope?: Scope;
  durable?: boolean;
}
export interface ValueProvider<T = any> {
  provide: InjectionToken;
  useValue: T;
}
export interface ExistingProvider<T = any> {
  provide: InjectionToken;
  useExisting: InjectionToken<T> | ForwardReference;
}
export interface FactoryProvider<T = any> {
  provide: InjectionToken;
  useFactory: (...args: any[]) => T | Promise<T>;
  inject?: Array<InjectionToken | ForwardReference | OptionalFactoryDependency>;
  scope?: Scope;
  durable?: boolean;
}
export interface OptionalFactoryDependency {
  token: InjectionToken;
  optional: boolean;
}
export type Provider<T = any> = Type<T> | ClassProvider<T> | ValueProvider<T> | ExistingProvider | FactoryProvider<T>;

export interface DynamicModule extends ModuleMetadata {
  module: Type;
  global?: boolean;
}

export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface ModuleMetadata {
  imports?: ModuleImport[];
  controllers?: Type[];
  providers?: Provider[];
  exports?: Array<InjectionToken | DynamicModule | Provider | ForwardReference>;
}

export type HttpMethod =
  | 'GET'
  | 'POST'
  | 'PUT'
  | 'PATCH'
  | 'DELETE'
  | 'HEAD'
  | 'OPTIONS'
  // WebDAV's and QUERY, which NestJS has decorators for.
  | 'SEARCH'
  | 'PROPFIND'
  | 'PROPPATCH'
  | 'MKCOL'
  | 'COPY'
  | 'MOVE'
  | 'LOCK'
  | 'UNLOCK'
  | 'QUERY';

/** A readable name for a token, for error messages and logs. */
export function tokenName(token: unknown): string {
  if (typeof token === 'function') return token.name || 'anonymous class';
  if (typeof token === 'symbol') return token.toString();
  if (typeof token === 'string') return `"${token}"`;
  return String(token);
}
