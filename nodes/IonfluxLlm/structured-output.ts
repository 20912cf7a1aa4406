/**
 * Structured model output: JSON Schemas (2020-12) compiled with Ajv, and model replies parsed and validated against
 * them. A reply that is not JSON or does not match is an error, never passed on.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';

const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });

// Formats of JSON Schema that models are commonly asked for (ajv-formats is not a dependency).
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i;
ajv.addFormat('date', DATE);
ajv.addFormat('time', TIME);
ajv.addFormat('date-time', {
  validate: (s: string) => {
    const [d, t] = s.split(/[Tt ]/);
    return d !== undefined && t !== undefined && DATE.test(d) && TIME.test(t) && !Number.isNaN(Date.parse(s));
  },
});
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
ajv.addFormat('uri', {
  validate: (s: string) => {
    try {
      return Boolean(new URL(s).protocol);
    } catch {
      return false;
    }
  },
});
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

export class SchemaProblem extends Error {}

/** Compiled validators by schema text: agents send the same few schemas on every run. */
const compiled = new Map<string, ValidateFunction>();
const COMPILED_MAX = 256;

/**
 * Compiles a schema (once per distinct schema; the most recent 256 are kept); throws SchemaProblem with Ajv's reason
 * when it is not a valid JSON Schema. Ajv's own cache is keyed by object identity, so each compiled schema is taken
 * out of it again: it would otherwise grow with every call, and a schema with an `$id` could not be compiled twice.
 */
export function compileSchema(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached) {
    compiled.delete(key); // most recently used last
    compiled.set(key, cached);
    return cached;
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new SchemaProblem((error as Error).message);
  } finally {
    ajv.removeSchema(schema);
  }
  compiled.set(key, validate);
  if (compiled.size > COMPILED_MAX) compiled.delete(compiled.keys().next().value!);
  return validate;
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 8)
    .map(
      (e) =>
        `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    )
    .join('; ');
}

export type ParsedOutput = { ok: true; value: unknown } | { ok: false; problem: string };

/** Parses a reply as JSON (tolerating a ```json fence) and validates it. */
export function parseStructuredOutput(content: string, validate: ValidateFunction): ParsedOutput {
  const text = content.trim().replace(/^```(?:json)?\s*\n?([\s\S]*?)\n?```$/i, '$1');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `the reply is not JSON (${(error as Error).message}): ${text.slice(0, 200)}` };
  }
  if (!validate(value))
    return { ok: false, problem: `the reply does not match the schema: ${describeErrors(validate.errors)}` };
  return { ok: true, value };
}
