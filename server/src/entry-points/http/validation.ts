import type { z } from 'zod';
import { invalidRequest, type FieldProblem } from '../../errors';

/** Zod issues -> field problems a person can act on (`title: required`, `titel: unknown field`). */
export function toFieldProblems(error: z.ZodError, prefix: string[] = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: [...base, key].join('.'), message: 'unknown field: remove it or check its spelling' });
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = `required (${issue.expected})`;
    problems.push({ path: base.join('.'), message });
  }
  return problems;
}

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
