/**
 * Standard Schema v1 (https://standardschema.dev), declared here rather than
 * imported: the spec invites libraries to carry the interface, so a zod,
 * valibot or arktype schema fits an event contract with no dependency on any
 * of them. Only what streamnest reads is declared.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** What `validate` answers: the value, or the issues (their presence means failure). */
export type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardIssue> };

export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** A value that speaks Standard Schema v1 (an arktype type is a function, so functions count). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as Partial<StandardSchemaV1>)['~standard'];
  return typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function';
}

/** The first issue, as one line: where in the data (`pct`, `items.2.name`), then what. */
export function describeIssue(issue: StandardIssue | undefined): string {
  if (issue === undefined) return 'the schema reported a failure without an issue';
  const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment));
  const message = typeof issue.message === 'string' ? issue.message : String(issue.message);
  return path.length === 0 ? message : `at ${path.join('.')}: ${message}`;
}
