import type { z } from 'zod';
import { toFieldProblems } from '../../domain/field-problems';
import { invalidRequest } from '../../errors';

export { toFieldProblems };

/** Parses `value` or throws a 400 naming every bad field. `where` says what was malformed when the whole value is. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.output<S> {
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
