import type { z } from 'zod';
import { toFieldProblems } from '../../domain/field-problems';
import { findInputProblem, MAX_INPUT_DEPTH, type InputProblem } from '../../domain/input-bounds';
import { AppError, invalidRequest } from '../../errors';

export { toFieldProblems, MAX_INPUT_DEPTH };

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
 * Throws a 400 naming the field when `value` is nested deeper than {@link MAX_INPUT_DEPTH} (`input_too_deep`) or holds a
 * NUL character anywhere (`invalid_request`). Runs on every body, query and params before any validation walks them.
 */
export function rejectInputProblems(value: unknown): void {
  const problem = findInputProblem(value);
  if (problem) throw inputProblemError(problem);
}

/** The AppError for an input problem (shared by the HTTP router and the socket layer). */
export function inputProblemError(problem: InputProblem): AppError {
  return new AppError({
    status: 400,
    code: problem.kind === 'too_deep' ? 'input_too_deep' : 'invalid_request',
    message: `Invalid request: ${problem.path}: ${problem.message}`,
    fields: [{ path: problem.path, message: problem.message }],
  });
}
