// Every decorator writes through Reflect.defineMetadata, so the polyfill is
// loaded here, by the module they all import: an entry point other than the
// package root (such as streamnest/testing, imported first) then works too.
import 'reflect-metadata';

/**
 * The keys under which decorators record metadata. Decorators only write;
 * the container and the route compiler read once, at start-up.
 */
export const META = {
  module: 'streamnest:module',
  global: 'streamnest:global',
  injectable: 'streamnest:injectable',
  scope: 'streamnest:scope',
  injectTokens: 'streamnest:inject-tokens',
  injectProperties: 'streamnest:inject-properties',
  optionalParams: 'streamnest:optional-params',
  optionalProperties: 'streamnest:optional-properties',
  controller: 'streamnest:controller',
  routes: 'streamnest:routes',
  params: 'streamnest:params',
  guards: 'streamnest:guards',
  interceptors: 'streamnest:interceptors',
  pipes: 'streamnest:pipes',
  filters: 'streamnest:filters',
  catch: 'streamnest:catch',
  httpCode: 'streamnest:http-code',
  headers: 'streamnest:headers',
  redirect: 'streamnest:redirect',
  sse: 'streamnest:sse',
  version: 'streamnest:version',
  render: 'streamnest:render',
  bodyConsumer: 'streamnest:body-consumer',
  paramTypes: 'design:paramtypes',
  designType: 'design:type',
} as const;

/** Appends to an array stored as metadata, creating it when absent. */
export function appendMetadata<T>(key: string, items: T[], target: object, property?: string | symbol): void {
  const current: T[] = (property === undefined ? Reflect.getOwnMetadata(key, target) : Reflect.getOwnMetadata(key, target, property)) ?? [];
  const next = [...current, ...items];
  if (property === undefined) Reflect.defineMetadata(key, next, target);
  else Reflect.defineMetadata(key, next, target, property);
}
