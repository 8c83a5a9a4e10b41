import { routerPaths } from '../../http/route-syntax.js';
import type { EventContract } from '../contract/define-events.js';
import type { SseRouteInfo } from '../sse-routes.js';
import { payloadSchema, type JsonSchema, type JsonSchemaConverter } from './payload-schema.js';

export interface AsyncApiServer {
  /** Host and port, as `api.example.com` or `127.0.0.1:3000`. */
  host: string;
  /** `http` or `https`. */
  protocol: string;
  pathname?: string;
  description?: string;
}

export interface AsyncApiOptions {
  /** `info.title`. Default `'streamnest application'`. */
  title?: string;
  /** `info.version`, the version of your API. Default `'1.0.0'`. */
  version?: string;
  /** `info.description`. */
  description?: string;
  /** The servers to list, by name. Default: the app's own URL (`app`), once it listens. */
  servers?: Record<string, AsyncApiServer>;
  /** A JSON Schema for a schema that offers none itself: valibot's `toJsonSchema` (@valibot/to-json-schema), say. */
  jsonSchema?: JsonSchemaConverter;
}

/** An AsyncAPI 3.0.0 document (https://www.asyncapi.com/docs/reference/specification/v3.0.0), as plain JSON. */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description?: string };
  defaultContentType: string;
  servers?: Record<string, AsyncApiServer>;
  channels: Record<string, Record<string, unknown>>;
  operations: Record<string, Record<string, unknown>>;
}

/** What the document describes: the app's `@Sse` routes, its hub channels, and where it listens. */
export interface AsyncApiSources {
  routes: readonly SseRouteInfo[];
  hubChannels: ReadonlyMap<string, EventContract>;
  /** The app's URL when it listens. */
  url?: string;
}

/** An `@Sse` route whose handler names no contract: any event may come. */
const ANY_EVENT = { message: { name: 'message', summary: 'Any event: this route declares no contract (@Sse({ events }))', payload: {} } };

/**
 * The AsyncAPI 3.0.0 document of an app. Each `@Sse` path is a channel whose
 * address is the path with its parameters in braces, and each hub channel
 * declared with a contract is one too; each has a `send` operation (the app
 * sends; clients receive) carrying the contract's events as messages, with
 * their data's JSON Schema as payload.
 */
export function asyncApiDocument(sources: AsyncApiSources, options: AsyncApiOptions = {}): AsyncApiDocument {
  const channels: AsyncApiDocument['channels'] = {};
  const operations: AsyncApiDocument['operations'] = {};
  const ids = new Set<string>();
  for (const route of sources.routes) {
    const addresses = [...new Set(route.paths.flatMap((path) => routerPaths(path, route.owner).map(({ path, wildcard }) => address(path, wildcard))))];
    for (const [index, where] of addresses.entries()) {
      const id = uniqueId(index === 0 ? route.owner : `${route.owner}.${index + 1}`, ids);
      channels[id] = channel(where, route.contract, options.jsonSchema, route.description ?? `Server-Sent Events from ${route.owner} (GET ${where}).`);
      operations[id] = operation(id, channels[id]!, `The app sends these events to a client reading GET ${where} (text/event-stream).`, true);
    }
  }
  for (const [pattern, contract] of sources.hubChannels) {
    const id = uniqueId(`hub.${pattern}`, ids);
    channels[id] = channel(
      pattern,
      contract,
      options.jsonSchema,
      `SseHub channel: published with hub.publish (or hub.typed), heard through the @Sse routes that subscribe to it.`,
    );
    operations[id] = operation(id, channels[id]!, `The app publishes these events to hub channel ${pattern}.`, false);
  }
  const document: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info: { title: options.title ?? 'streamnest application', version: options.version ?? '1.0.0' },
    defaultContentType: 'application/json',
    channels,
    operations,
  };
  if (options.description !== undefined) document.info.description = options.description;
  const servers = options.servers ?? ownServer(sources.url);
  if (servers !== undefined) document.servers = servers;
  return document;
}

function channel(address: string, contract: EventContract | undefined, convert: JsonSchemaConverter | undefined, description: string): Record<string, unknown> {
  const result: Record<string, unknown> = { address, description, messages: contract === undefined ? ANY_EVENT : messages(contract, convert) };
  const parameters = parametersOf(address);
  if (parameters !== undefined) result['parameters'] = parameters;
  return result;
}

function messages(contract: EventContract, convert: JsonSchemaConverter | undefined): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  const ids = new Set<string>();
  for (const name of contract.names) {
    const payload = payloadSchema(contract.schemas[name]!, name, convert);
    const message: Record<string, unknown> = { name, title: name, summary: `event: ${name}`, payload };
    // Text data goes out as it is, not as JSON (see SSEMessageEvent.data).
    if (payload['type'] === 'string') message['contentType'] = 'text/plain';
    found[uniqueId(name, ids)] = message;
  }
  return found;
}

function operation(id: string, channel: Record<string, unknown>, summary: string, overHttp: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {
    action: 'send',
    channel: { $ref: `#/channels/${id}` },
    summary,
    messages: Object.keys(channel['messages'] as object).map((message) => ({ $ref: `#/channels/${id}/messages/${message}` })),
  };
  if (overHttp) result['bindings'] = { http: { method: 'GET', bindingVersion: '0.3.0' } };
  return result;
}

/** A router path (`/jobs/:id`, `/files/*`) as a channel address (`/jobs/{id}`, `/files/{path}`). */
function address(path: string, wildcard: string | undefined): string {
  return path.replace(/:([A-Za-z0-9_$]+)(\([^)]*\))?\??/g, '{$1}').replace(/\*$/, `{${wildcard ?? 'wildcard'}}`);
}

function parametersOf(address: string): Record<string, JsonSchema> | undefined {
  const names = [...address.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [name, { description: `The ${name} part of the address.` }]));
}

/** An id the document can use as a key and in a `$ref` (no `/` or `~`), unique among `taken`. */
function uniqueId(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[^A-Za-z0-9_.-]/g, '_');
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

function ownServer(url: string | undefined): Record<string, AsyncApiServer> | undefined {
  if (url === undefined) return undefined;
  const { host, protocol } = new URL(url);
  return { app: { host, protocol: protocol.replace(/:$/, ''), description: 'This application.' } };
}
