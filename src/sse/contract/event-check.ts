import { Errors } from '../../errors.js';
import { isTypeOnly, type EventContract } from './define-events.js';
import { describeIssue, type StandardSchemaV1 } from './standard-schema.js';

/** Each contract's schemas by name, made once per contract however many streams check against it. */
const compiled = new WeakMap<EventContract, ReadonlyMap<string, StandardSchemaV1 | undefined>>();

function schemasOf(contract: EventContract): ReadonlyMap<string, StandardSchemaV1 | undefined> {
  let byName = compiled.get(contract);
  if (byName === undefined) {
    // A Map, not the object: an event named "constructor" or "toString" must not find Object.prototype's.
    byName = new Map(
      contract.names.map((name) => {
        const schema = contract.schemas[name];
        return [name, isTypeOnly(schema) ? undefined : (schema as StandardSchemaV1)];
      }),
    );
    compiled.set(contract, byName);
  }
  return byName;
}

/**
 * Checks events against a contract: the name is one of its events, and the
 * data passes that event's schema (a `typed<T>()` event has no run-time
 * check). Made once per producer that validates (a route, a stream, a typed
 * hub view), so a producer without one pays nothing. `where` names the
 * producer in errors; a stream learns its route's when the route takes it.
 */
export class EventCheck {
  private readonly schemas: ReadonlyMap<string, StandardSchemaV1 | undefined>;

  constructor(
    readonly contract: EventContract,
    public where: string,
  ) {
    this.schemas = schemasOf(contract);
  }

  /** Throws SN_ERR_SSE_EVENT_INVALID (or SN_ERR_SSE_SCHEMA_ASYNC) unless `event` fits the contract. `place` adds to `where` (a hub channel). */
  check(event: unknown, place?: string): void {
    if (typeof event !== 'object' || event === null) throw this.invalid(place, undefined, 'it is not an object { event, data }');
    const { event: name = (event as { type?: unknown }).type, data } = event as { event?: unknown; data?: unknown };
    if (typeof name !== 'string') throw this.invalid(place, undefined, `it has no "event" name, and the contract names ${this.known()}`);
    if (!this.schemas.has(name)) throw this.invalid(place, name, `the contract names ${this.known()}, not this one`);
    const schema = this.schemas.get(name);
    if (schema === undefined) return;
    const result = schema['~standard'].validate(data);
    if (typeof (result as { then?: unknown }).then === 'function') {
      // Its verdict is not awaited: a rejection must not surface as an unhandled one.
      (result as Promise<unknown>).then(undefined, () => undefined);
      throw Errors.SSE_SCHEMA_ASYNC(this.at(place), name, schema['~standard'].vendor);
    }
    const { issues } = result as { issues?: ReadonlyArray<Parameters<typeof describeIssue>[0]> };
    if (issues !== undefined) throw this.invalid(place, name, describeIssue(issues[0]));
  }

  private invalid(place: string | undefined, name: string | undefined, problem: string): Error {
    return Errors.SSE_EVENT_INVALID(this.at(place), name, problem);
  }

  private at(place: string | undefined): string {
    return place === undefined ? this.where : `${this.where} ${JSON.stringify(place)}`;
  }

  private known(): string {
    return [...this.schemas.keys()].map((name) => JSON.stringify(name)).join(', ');
  }
}

/**
 * The symbol by which a stream says what its writes are checked against, so
 * a validating route can refuse one that is not checked (see sse-sender.ts).
 */
export const SSE_EVENT_CHECK = Symbol('streamnest.sse.eventCheck');

export interface CheckedSource {
  [SSE_EVENT_CHECK](): EventCheck | undefined;
}

export function declaresCheck(value: object): value is CheckedSource {
  return typeof (value as Partial<CheckedSource>)[SSE_EVENT_CHECK] === 'function';
}

/** Whether a producer given `validate` (or not) checks against `contract`: its own setting, else the contract's. */
export function validates(contract: EventContract, validate: unknown, where: string): boolean {
  if (validate !== undefined && typeof validate !== 'boolean') throw Errors.INVALID_EVENT_CONTRACT(where, 'validate is a boolean', String(validate));
  return validate ?? contract.validate === true;
}
