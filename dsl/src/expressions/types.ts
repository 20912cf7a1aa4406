import type { JsonSchema } from '../catalog/json-schema';

/**
 * Types the checker knows about values in expressions. `unknown` means "could be anything": checks that need a
 * type stay silent on it, so the checker never reports a problem it cannot prove.
 */
export type ValueType =
  | { kind: 'unknown' }
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'array'; items: ValueType }
  | { kind: 'object'; fields: Record<string, ValueType>; open: boolean }
  | { kind: 'union'; types: ValueType[] };

export const UNKNOWN: ValueType = { kind: 'unknown' };
export const STRING: ValueType = { kind: 'string' };
export const NUMBER: ValueType = { kind: 'number' };
export const BOOLEAN: ValueType = { kind: 'boolean' };
export const NULL: ValueType = { kind: 'null' };
export const arrayOf = (items: ValueType): ValueType => ({ kind: 'array', items });
export const objectOf = (fields: Record<string, ValueType>, open = false): ValueType => ({
  kind: 'object',
  fields,
  open,
});

export function union(types: ValueType[]): ValueType {
  const flat: ValueType[] = [];
  for (const type of types) {
    if (type.kind === 'unknown') return UNKNOWN;
    for (const member of type.kind === 'union' ? type.types : [type]) {
      if (!flat.some((existing) => sameKind(existing, member))) flat.push(member);
    }
  }
  if (flat.length === 0) return UNKNOWN;
  return flat.length === 1 ? flat[0]! : { kind: 'union', types: flat };
}

function sameKind(a: ValueType, b: ValueType): boolean {
  return a.kind === b.kind && a.kind !== 'object' && a.kind !== 'array';
}

const schemaCache = new WeakMap<JsonSchema, ValueType>();

/** The value type a JSON Schema describes (the parts the checker can use). */
export function typeFromSchema(schema: JsonSchema | undefined, depth = 0): ValueType {
  if (!schema || typeof schema !== 'object' || depth > 16) return UNKNOWN;
  const cached = schemaCache.get(schema);
  if (cached) return cached;
  let result: ValueType;
  if (schema.anyOf || schema.oneOf) {
    result = union((schema.anyOf ?? schema.oneOf ?? []).map((s) => typeFromSchema(s, depth + 1)));
  } else if (Array.isArray(schema.type)) {
    result = union(schema.type.map((type) => typeFromSchema({ ...schema, type }, depth + 1)));
  } else {
    switch (schema.type) {
      case 'string':
        result = STRING;
        break;
      case 'number':
      case 'integer':
        result = NUMBER;
        break;
      case 'boolean':
        result = BOOLEAN;
        break;
      case 'null':
        result = NULL;
        break;
      case 'array':
        result = arrayOf(typeFromSchema(schema.items, depth + 1));
        break;
      case 'object': {
        const fields: Record<string, ValueType> = {};
        for (const [name, property] of Object.entries(schema.properties ?? {})) {
          fields[name] = typeFromSchema(property, depth + 1);
        }
        const closed = schema.additionalProperties === false && schema.properties !== undefined;
        result = objectOf(fields, !closed);
        break;
      }
      default:
        result = UNKNOWN;
    }
  }
  schemaCache.set(schema, result);
  return result;
}

/** The type of a literal JSON value. */
export function typeOfValue(value: unknown): ValueType {
  if (value === null) return NULL;
  if (typeof value === 'string') return STRING;
  if (typeof value === 'number') return NUMBER;
  if (typeof value === 'boolean') return BOOLEAN;
  if (Array.isArray(value)) return arrayOf(union(value.map(typeOfValue)));
  if (typeof value === 'object') return objectOf({}, true);
  return UNKNOWN;
}

export function describeType(type: ValueType): string {
  switch (type.kind) {
    case 'array':
      return type.items.kind === 'unknown' ? 'list' : `list of ${describeType(type.items)}`;
    case 'object':
      return 'object';
    case 'union':
      return type.types.map(describeType).join(' or ');
    case 'string':
      return 'text';
    default:
      return type.kind;
  }
}

/** Whether every possible value of the type is of one of the given kinds (false for unknown). */
export function isDefinitely(type: ValueType, kinds: ValueType['kind'][]): boolean {
  if (type.kind === 'unknown') return false;
  if (type.kind === 'union') return type.types.every((t) => isDefinitely(t, kinds));
  return kinds.includes(type.kind);
}

/** Whether the type may be of one of the kinds (true for unknown). */
export function mayBe(type: ValueType, kinds: ValueType['kind'][]): boolean {
  if (type.kind === 'unknown') return true;
  if (type.kind === 'union') return type.types.some((t) => mayBe(t, kinds));
  return kinds.includes(type.kind);
}

/** The type without null, for access through optional values (`customer.email` on a nullable customer). */
export function nonNull(type: ValueType): ValueType {
  if (type.kind !== 'union') return type;
  return union(type.types.filter((t) => t.kind !== 'null'));
}
