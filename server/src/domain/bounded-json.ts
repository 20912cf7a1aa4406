import { z } from 'zod';
import { findInputProblem } from './input-bounds';

/**
 * Any JSON value nested at most MAX_INPUT_DEPTH (input-bounds.ts) levels whose serialized size stays within `maxBytes` (block
 * content, message payloads). The depth is checked first, iteratively, so JSON.stringify never overflows the stack.
 */
export function boundedJson(maxBytes: number) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = findInputProblem(value);
    if (problem?.kind === 'too_deep') {
      ctx.addIssue({
        code: 'custom',
        message: problem.message,
        path: problem.path === '(value)' ? [] : problem.path.split('.'),
      });
      return;
    }
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(value ?? null) ?? 'null', 'utf8');
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be plain JSON (no cycles, no BigInt)' });
      return;
    }
    if (size > maxBytes)
      ctx.addIssue({ code: 'custom', message: `must be at most ${maxBytes} bytes of JSON (got ${size})` });
  });
}
