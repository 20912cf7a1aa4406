/**
 * A small vocabulary for writing the JSON Schemas of action parameters and outputs. The same schemas feed the
 * published agent schema (Ajv, Monaco, VS Code), the reference doc and the expression type checker.
 */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  not?: JsonSchema;
  /** IONFLUX annotation: where a parameter takes expressions only as whole values, or is an expression itself. */
  [annotation: `x-${string}`]: unknown;
}

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

type Doc = { description?: string; default?: unknown; examples?: unknown[] };

export const str = (
  doc: Doc & { enum?: string[]; format?: string; pattern?: string; minLength?: number; maxLength?: number } = {},
): JsonSchema => ({
  type: 'string',
  ...doc,
});
export const num = (doc: Doc & { minimum?: number; maximum?: number; enum?: number[] } = {}): JsonSchema => ({
  type: 'number',
  ...doc,
});
export const int = (doc: Doc & { minimum?: number; maximum?: number; enum?: number[] } = {}): JsonSchema => ({
  type: 'integer',
  ...doc,
});
export const bool = (doc: Doc = {}): JsonSchema => ({ type: 'boolean', ...doc });
export const arr = (items: JsonSchema, doc: Doc & { minItems?: number; maxItems?: number } = {}): JsonSchema => ({
  type: 'array',
  items,
  ...doc,
});
export const nullable = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  type: [...(Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string']), 'null'],
});
/** Any JSON value. */
export const any = (doc: Doc = {}): JsonSchema => ({ ...doc });

/** A closed object: every property listed, `required` names the mandatory ones. */
export function obj(
  properties: Record<string, JsonSchema>,
  { required = [], description, open = false }: { required?: string[]; description?: string; open?: boolean } = {},
): JsonSchema {
  const schema: JsonSchema = { type: 'object', properties, additionalProperties: open };
  if (required.length > 0) schema.required = required;
  if (description !== undefined) schema.description = description;
  return schema;
}

/** An object whose keys are free (e.g. HTTP headers), with values of one schema. */
export const record = (values: JsonSchema, doc: Doc = {}): JsonSchema => ({
  type: 'object',
  additionalProperties: values,
  ...doc,
});
