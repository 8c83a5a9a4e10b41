/** How long a provider instance lives, as in NestJS. */
export enum Scope {
  /** One instance for the whole application (the default). */
  DEFAULT = 0,
  /** A new instance for every consumer that injects it. */
  TRANSIENT = 1,
  /** A new instance for every request; whatever injects it becomes request-scoped too. */
  REQUEST = 2,
}

export interface ScopeOptions {
  scope?: Scope;
  /** Accepted for NestJS compatibility; durable providers are not pooled here. */
  durable?: boolean;
}
