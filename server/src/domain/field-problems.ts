import type { z } from 'zod';
import type { FieldProblem } from '../errors';

/** Zod issues -> field problems a person can act on (`title: required`, `titel: unknown field`). */
export function toFieldProblems(error: z.ZodError, prefix: string[] = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ path: [...base, key].join('.'), message: 'unknown field: remove it or check its spelling' });
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
      message = `required (${issue.expected})`;
    problems.push({ path: base.join('.'), message });
  }
  return problems;
}
