// The event contract as the server's defineEvents() makes it (the shape fixed for
// issue 13), declared here so these tests need no server code: the client reads
// the event map from the type-only `__events` alone.
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => { value: Output } | { issues: readonly unknown[] };
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type EventMap = Record<string, unknown>;

export interface EventContract<E extends EventMap = EventMap> {
  readonly __events?: E;
  readonly schemas: { readonly [K in keyof E]: StandardSchemaV1<unknown, E[K]> };
  readonly names: readonly (keyof E & string)[];
}

export type JobEvents = {
  progress: { percent: number; label?: string };
  done: { ok: boolean };
};

export declare const jobContract: EventContract<JobEvents>;
