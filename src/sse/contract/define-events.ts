import { Errors } from '../../errors.js';
import { isStandardSchema, type StandardSchemaV1 } from './standard-schema.js';

/** What a contract says of one stream: event name -> the type of its `data`. */
export type EventMap = Record<string, unknown>;

/** What `typed<T>()` returns: a type for an event's data with no run-time check, and optionally a JSON Schema to document it. */
export interface TypeOnly<T> {
  readonly '~typed': { readonly description?: string; readonly jsonSchema?: Record<string, unknown> };
  /** Type-only: never set at run time. */
  readonly __type?: T;
}

/**
 * The contract made by `defineEvents()`. `__events` is type-only (never set at
 * run time): it lets any code, including streamnest/client which must not
 * import the server, read the event map with
 * `C extends { readonly __events?: infer E } ? E : C`.
 */
export interface EventContract<E extends EventMap = EventMap> {
  readonly __events?: E;
  /** Event name -> its schema (a Standard Schema, or `typed<T>()` for a type with no run-time check). */
  readonly schemas: { readonly [K in keyof E]: StandardSchemaV1<unknown, E[K]> | TypeOnly<E[K]> };
  readonly names: readonly (keyof E & string)[];
  /** Whether producers check events against it when they are not told otherwise (`defineEvents(schemas, { validate })`). Default false. */
  readonly validate?: boolean;
}

/** The event map of a contract (or of an event map itself). */
export type EventsOf<C> = C extends { readonly __events?: infer E } ? (E extends EventMap ? E : never) : C extends EventMap ? C : never;

/** One event of the contract, as written/published: `event` is required and names one of its events. */
export type ContractEvent<E extends EventMap> = {
  [K in keyof E & string]: { event: K; data: E[K]; id?: string | number; retry?: number };
}[keyof E & string];

/** What a schema given to `defineEvents` may be. */
export type EventSchema = StandardSchemaV1<any, any> | TypeOnly<any>;

/** The type of `data` a schema describes: `typed<T>()`'s T, or a Standard Schema's output. */
export type DataOf<S> =
  S extends TypeOnly<infer T>
    ? T
    : S extends { readonly '~standard': { readonly types?: infer Types } }
      ? NonNullable<Types> extends { readonly output: infer Output }
        ? Output
        : unknown
      : never;

export interface DefineEventsOptions {
  /**
   * Check every event against its schema wherever this contract is used
   * (`getSSEStream`, `@Sse`, `hub.typed`), unless told otherwise there. Off by
   * default: a check costs one schema run per event. Turn it on in development
   * and tests, e.g. `validate: process.env.NODE_ENV !== 'production'`.
   */
  validate?: boolean;
}

/**
 * A type of event data with no run-time check: `done: typed<{ ok: boolean }>()`.
 * A JSON Schema given here documents it in the AsyncAPI document.
 */
export function typed<T>(doc: { description?: string; jsonSchema?: Record<string, unknown> } = {}): TypeOnly<T> {
  if (typeof doc !== 'object' || doc === null) throw Errors.INVALID_EVENT_CONTRACT('typed()', 'its argument is { description?, jsonSchema? }', kindOf(doc));
  return Object.freeze({ '~typed': Object.freeze({ ...doc }) });
}

export function isTypeOnly(value: unknown): value is TypeOnly<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { '~typed'?: unknown })['~typed'] === 'object';
}

/**
 * Names a stream's events and the type of each one's data, in one
 * declaration: `defineEvents({ progress: z.object({ pct: z.number() }), done: typed<{ ok: boolean }>() })`.
 * Each schema is a Standard Schema (zod, valibot, arktype…) or `typed<T>()`.
 * Checked now, at start-up: a name that cannot be an SSE event name, or a
 * value that is neither, throws SN_ERR_INVALID_EVENT_CONTRACT.
 */
export function defineEvents<const S extends { readonly [name: string]: EventSchema }>(
  schemas: S,
  options: DefineEventsOptions = {},
): EventContract<{ -readonly [K in keyof S]: DataOf<S[K]> }> {
  if (typeof schemas !== 'object' || schemas === null || Array.isArray(schemas))
    throw Errors.INVALID_EVENT_CONTRACT('defineEvents()', 'give an object of event name -> schema', kindOf(schemas));
  const names = Object.keys(schemas);
  if (names.length === 0) throw Errors.INVALID_EVENT_CONTRACT('defineEvents()', 'a contract names at least one event', '{}');
  for (const name of names) {
    if (/[\r\n]/.test(name))
      throw Errors.INVALID_EVENT_CONTRACT('defineEvents()', 'an event name cannot hold CR or LF (it goes on the "event:" line)', JSON.stringify(name));
    const schema = schemas[name];
    if (!isStandardSchema(schema) && !isTypeOnly(schema))
      throw Errors.INVALID_EVENT_CONTRACT(
        `defineEvents(), event "${name}"`,
        'each event needs a Standard Schema (zod, valibot, arktype…) or typed<T>()',
        kindOf(schema),
      );
  }
  if (options.validate !== undefined && typeof options.validate !== 'boolean')
    throw Errors.INVALID_EVENT_CONTRACT('defineEvents(schemas, { validate })', 'validate is a boolean', kindOf(options.validate));
  const contract = { schemas: Object.freeze({ ...schemas }), names: Object.freeze(names), validate: options.validate === true };
  return Object.freeze(contract) as unknown as EventContract<{ -readonly [K in keyof S]: DataOf<S[K]> }>;
}

/** A contract as `defineEvents` makes it (or one written by hand in the same shape), checked where it is given. */
export function checkContract(value: unknown, where: string): EventContract {
  const contract = value as Partial<EventContract>;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    typeof contract.schemas === 'object' &&
    contract.schemas !== null &&
    Array.isArray(contract.names) &&
    contract.names.length > 0 &&
    contract.names.every((name) => typeof name === 'string' && (isStandardSchema(contract.schemas![name]) || isTypeOnly(contract.schemas![name])));
  if (!valid) throw Errors.INVALID_EVENT_CONTRACT(where, 'give a contract made by defineEvents({ name: schema, ... })', kindOf(value));
  return value as EventContract;
}

/** A short account of a wrong value: a schema library's object printed whole would bury the message. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'object')
    return `an object (${(Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'no prototype'})`;
  return `${typeof value} ${String(value)}`;
}
