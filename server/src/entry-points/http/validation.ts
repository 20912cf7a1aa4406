import type { z } from 'zod';
import { toFieldProblems } from '../../domain/field-problems';
import { invalidRequest } from '../../errors';

export { toFieldProblems };

/** Parses `value` or throws a 400 naming every bad field. `where` says what was malformed when the whole value is. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'path',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = toFieldProblems(result.error);
  if (where === 'body' && (value === undefined || value === null || typeof value !== 'object')) {
    throw invalidRequest(
      fields.length > 0 ? fields : [{ path: '', message: 'expected a JSON object' }],
      'Send a JSON object body with Content-Type: application/json',
    );
  }
  throw invalidRequest(fields.map((f) => ({ ...f, path: f.path === '' ? `(${where})` : f.path })));
}

/**
 * Path of the first string (or object key) holding a NUL character, which PostgreSQL cannot store in text or JSONB;
 * undefined when there is none. Checked on every body, query and socket payload before validation.
 */
export function findNulCharacter(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNulCharacter(item, [...path, String(index)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '\\u0000')].join('.');
      const found = findNulCharacter(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Throws a 400 naming the field when `value` holds a NUL character anywhere. */
export function rejectNulCharacters(value: unknown): void {
  const path = findNulCharacter(value);
  if (path !== undefined)
    throw invalidRequest([{ path, message: 'must not contain the NUL character (\\u0000); remove it' }]);
}
