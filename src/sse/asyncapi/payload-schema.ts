import { isTypeOnly, type EventSchema } from '../contract/define-events.js';
import type { StandardSchemaV1 } from '../contract/standard-schema.js';

/** A JSON Schema, as the AsyncAPI document carries it. */
export type JsonSchema = Record<string, unknown>;

/** Your converter, for a schema that offers no JSON Schema itself (valibot: `toJsonSchema` from @valibot/to-json-schema). Return undefined to fall through. */
export type JsonSchemaConverter = (schema: StandardSchemaV1, event: string) => JsonSchema | undefined;

/** What a schema library may offer, read without depending on any. */
interface MaybeJsonSchema {
  '~standard'?: { vendor?: string; jsonSchema?: { output?: (options: { target: string }) => unknown } };
  /** zod 4 (before Standard JSON Schema). */
  toJSONSchema?: () => unknown;
  /** arktype. */
  toJsonSchema?: () => unknown;
}

/**
 * The JSON Schema of one event's data, for its AsyncAPI message: `typed<T>()`'s
 * own, else your converter's, else what the schema offers (Standard JSON
 * Schema's `~standard.jsonSchema`, zod 4's `toJSONSchema()`, arktype's
 * `toJsonSchema()`), else `{}` with a description saying why.
 */
export function payloadSchema(schema: EventSchema, event: string, convert?: JsonSchemaConverter): JsonSchema {
  if (isTypeOnly(schema)) {
    const { jsonSchema, description } = schema['~typed'];
    if (jsonSchema !== undefined) return tidy(jsonSchema);
    return { description: description ?? 'Typed with typed<T>(): no JSON Schema given (typed<T>({ jsonSchema }) documents it).' };
  }
  const standard = schema as StandardSchemaV1;
  const found = attempt(() => convert?.(standard, event)) ?? offered(standard as MaybeJsonSchema);
  if (found !== undefined) return tidy(found);
  return {
    description: `Checked by a ${standard['~standard'].vendor} schema that offers no JSON Schema: give getAsyncApiDocument({ jsonSchema }) a converter.`,
  };
}

function offered(schema: MaybeJsonSchema): JsonSchema | undefined {
  const standard = schema['~standard']?.jsonSchema;
  // draft-07: the dialect AsyncAPI 3's Schema Object extends.
  if (typeof standard?.output === 'function') {
    const out = attempt(() => standard.output!({ target: 'draft-07' }));
    if (out !== undefined) return out;
  }
  if (typeof schema.toJSONSchema === 'function') return attempt(() => schema.toJSONSchema!());
  if (typeof schema.toJsonSchema === 'function') return attempt(() => schema.toJsonSchema!());
  return undefined;
}

/** A converter may throw for what it cannot express (a transform, a custom check): the message then goes undescribed, not the document. */
function attempt(convert: () => unknown): JsonSchema | undefined {
  try {
    const schema = convert();
    return typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? (schema as JsonSchema) : undefined;
  } catch {
    return undefined;
  }
}

/** Without `$schema`: the payload is an AsyncAPI Schema Object, whose dialect the document sets. */
function tidy(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}
