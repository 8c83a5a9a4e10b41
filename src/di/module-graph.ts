import { META } from '../common/metadata-keys.js';
import { Errors } from '../errors.js';
import { tokenName, type DynamicModule, type InjectionToken, type ModuleImport, type Provider, type Type } from '../common/types.js';
import { isForwardReference, unwrapForwardRef } from '../common/forward-ref.js';
import { Scope } from '../common/scope.js';
import { APP_ENHANCER_TOKENS } from '../common/tokens.js';

/** A dependency of a factory; `forward` marks a `forwardRef`, which may be met before it is built. */
export interface Dependency {
  token: InjectionToken;
  optional: boolean;
  forward?: boolean;
}

/** How a provider was declared, normalised. */
export type ProviderDefinition = { scope?: Scope } & (
  | { kind: 'class'; token: InjectionToken; useClass: Type }
  | { kind: 'value'; token: InjectionToken; useValue: unknown }
  | { kind: 'existing'; token: InjectionToken; useExisting: InjectionToken }
  | { kind: 'factory'; token: InjectionToken; useFactory: (...args: any[]) => unknown; inject: Dependency[] }
);

/** Module replacements of a testing module: `overrideModule(A).useModule(B)`. */
export type ModuleReplacements = Map<unknown, Type | DynamicModule>;

/** One module of the application, after its imports were scanned. */
export interface ModuleNode {
  metatype: Type;
  name: string;
  global: boolean;
  /** Longest import distance from the root: deeper modules initialise first. */
  depth: number;
  providers: Map<InjectionToken, ProviderDefinition>;
  controllers: Type[];
  imports: ModuleNode[];
  /** Tokens of own providers, plus module nodes re-exported whole. */
  exports: Array<InjectionToken | ModuleNode>;
}

function normaliseProvider(provider: Provider, module: string): ProviderDefinition {
  if (typeof provider === 'function') return { kind: 'class', token: provider, useClass: provider, scope: scopeOf(provider) };
  if (provider === null || typeof provider !== 'object' || !('provide' in provider)) {
    throw Errors.INVALID_PROVIDER(module, `${String(provider)} is neither a class nor an object with "provide"`);
  }
  const token = provider.provide;
  if ('useClass' in provider) {
    if (typeof provider.useClass !== 'function') throw Errors.INVALID_PROVIDER(module, `useClass of ${tokenName(token)} is not a class`);
    return { kind: 'class', token, useClass: provider.useClass, scope: provider.scope ?? scopeOf(provider.useClass) };
  }
  if ('useValue' in provider) return { kind: 'value', token, useValue: provider.useValue };
  if ('useExisting' in provider) return { kind: 'existing', token, useExisting: unwrapForwardRef(provider.useExisting) };
  if ('useFactory' in provider) {
    if (typeof provider.useFactory !== 'function') throw Errors.INVALID_PROVIDER(module, `useFactory of ${tokenName(token)} is not a function`);
    const inject = (provider.inject ?? []).map((i): Dependency => {
      if (isForwardReference(i)) return { token: i.forwardRef(), optional: false, forward: true };
      if (typeof i === 'object' && i !== null && 'token' in i) return i;
      return { token: i as InjectionToken, optional: false };
    });
    return { kind: 'factory', token, useFactory: provider.useFactory, inject, scope: provider.scope };
  }
  throw Errors.INVALID_PROVIDER(module, `${tokenName(token)} has none of useClass, useValue, useExisting or useFactory`);
}

function scopeOf(type: Type): Scope | undefined {
  return Reflect.getMetadata(META.scope, type);
}

/**
 * The key a provider is stored under in its module. APP_GUARD and its kin may
 * be declared many times, so each such declaration gets a key of its own.
 */
function providerKey(def: ProviderDefinition): unknown {
  return APP_ENHANCER_TOKENS.has(def.token) ? Symbol(String(def.token)) : def.token;
}

function isDynamicModule(value: unknown): value is DynamicModule {
  return typeof value === 'object' && value !== null && 'module' in value;
}

/**
 * Walks the import graph from the root module once, at start-up, and returns
 * every module with its providers normalised. A static module is one node; each
 * dynamic module object (from `forRoot()`) is a node of its own.
 */
export async function scanModules(
  root: Type | DynamicModule,
  replacements: ModuleReplacements = new Map(),
  /** Modules an application already has (a lazy load): reused, left as they are, and not returned. */
  existing: ReadonlyMap<unknown, ModuleNode> = new Map(),
): Promise<ModuleNode[]> {
  const nodes = new Map<unknown, ModuleNode>(existing);
  const pendingExports: Array<[ModuleNode, unknown[]]> = [];

  async function visit(given: Type | DynamicModule, parent: string, depth: number): Promise<ModuleNode> {
    const entry = replacements.get(given) ?? (isDynamicModule(given) ? replacements.get(given.module) : undefined) ?? given;
    const key = entry;
    const known = nodes.get(key);
    if (known) {
      if (depth > known.depth && !existing.has(key)) raiseDepth(known, depth);
      return known;
    }
    const metatype = isDynamicModule(entry) ? entry.module : entry;
    if (typeof metatype !== 'function' || !Reflect.hasOwnMetadata(META.module, metatype)) {
      throw Errors.INVALID_MODULE(parent, `${tokenName(metatype)} has no @Module() decorator (a circular file import can also leave it undefined)`);
    }
    const meta = Reflect.getOwnMetadata(META.module, metatype);
    const dynamic: Partial<DynamicModule> = isDynamicModule(entry) ? entry : {};
    const node: ModuleNode = {
      metatype,
      name: metatype.name,
      depth,
      imports: [],
      exports: [],
      global: dynamic.global ?? Reflect.getOwnMetadata(META.global, metatype) === true,
      controllers: [...(meta.controllers ?? []), ...(dynamic.controllers ?? [])],
      providers: new Map(),
    };
    nodes.set(key, node);
    for (const provider of [...(meta.providers ?? []), ...(dynamic.providers ?? [])]) {
      const def = normaliseProvider(provider, node.name);
      node.providers.set(providerKey(def) as InjectionToken, def);
    }
    for (const declared of [...(meta.imports ?? []), ...(dynamic.imports ?? [])] as ModuleImport[]) {
      const imported = unwrapForwardRef(declared);
      if (imported === undefined || imported === null) {
        throw Errors.INVALID_MODULE(node.name, 'undefined (often a circular file import between two modules: wrap it in forwardRef(() => TheModule))');
      }
      node.imports.push(await visit(await imported, node.name, depth + 1));
    }
    pendingExports.push([node, [...(meta.exports ?? []), ...(dynamic.exports ?? [])]]);
    return node;
  }

  function raiseDepth(node: ModuleNode, depth: number, seen = new Set<ModuleNode>()) {
    if (seen.has(node) || node.depth >= depth || existing.has(node.metatype)) return;
    seen.add(node);
    node.depth = depth;
    for (const child of node.imports) raiseDepth(child, depth + 1, seen);
  }

  await visit(root, 'the root', 0);
  for (const [node, exports] of pendingExports) node.exports = exports.map((e) => resolveExport(node, e));
  const had = new Set(existing.values());
  return [...nodes.values()].filter((node) => !had.has(node));

  function resolveExport(node: ModuleNode, declared: unknown): InjectionToken | ModuleNode {
    // A provider object may be exported as such ({ provide, useValue }): it stands for its token.
    const unwrapped = unwrapForwardRef(declared);
    const exported = (
      typeof unwrapped === 'object' && unwrapped !== null && 'provide' in unwrapped ? (unwrapped as { provide: InjectionToken }).provide : unwrapped
    ) as InjectionToken | DynamicModule;
    if (node.providers.has(exported as InjectionToken)) return exported as InjectionToken;
    const imported = node.imports.find((m) => m.metatype === exported || nodes.get(exported) === m);
    if (imported) return imported;
    throw Errors.UNKNOWN_EXPORT(node.name, tokenName(isDynamicModule(exported) ? exported.module : exported));
  }
}
