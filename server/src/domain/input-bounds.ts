/**
 * Limits every untrusted JSON value (HTTP bodies, queries and params, socket payloads) is held to before anything
 * walks it recursively: zod, JSON.stringify (size checks, PostgreSQL parameters) and pino all recurse, and a value
 * nested 10,000 levels deep overflows the stack of any of them.
 *
 * The walk here is iterative (an explicit stack), so it is safe on any input, and linear: a path is only built for
 * the one node that is reported.
 */

/** Largest value of a PostgreSQL `integer` column (versions, sequence numbers, read cursors). */
export const PG_INT_MAX = 2_147_483_647;

/** Deepest nesting of arrays and objects accepted anywhere (a top-level object is depth 1). */
export const MAX_INPUT_DEPTH = 64;

export interface InputProblem {
  kind: 'too_deep' | 'nul_character';
  /** Dotted path of the offending value (`content.data.rows.1`), `(value)` for the value itself. */
  path: string;
  message: string;
}

interface Frame {
  value: unknown;
  depth: number;
  key: string | undefined;
  parent: Frame | undefined;
}

function pathOf(frame: Frame, lastKey?: string): string {
  const keys: string[] = lastKey === undefined ? [] : [lastKey];
  for (let f: Frame | undefined = frame; f && f.key !== undefined; f = f.parent) keys.push(f.key);
  return keys.reverse().join('.') || '(value)';
}

/**
 * The first problem of `value`, or undefined: a container nested deeper than `maxDepth`, or a string or object key
 * holding the NUL character (PostgreSQL cannot store it in text or JSONB). Binary values (Buffers from socket.io
 * attachments) are leaves.
 *
 * @example findInputProblem({ a: [[['x\u0000']]] }) // { kind: 'nul_character', path: 'a.0.0.0', ... }
 */
export function findInputProblem(value: unknown, maxDepth: number = MAX_INPUT_DEPTH): InputProblem | undefined {
  const stack: Frame[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = frame.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return nulProblem(pathOf(frame));
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (ArrayBuffer.isView(current) || current instanceof ArrayBuffer) continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) {
      return {
        kind: 'too_deep',
        path: pathOf(frame),
        message: `is nested more than ${maxDepth} levels deep (the limit for any JSON input); flatten it`,
      };
    }
    // Children are pushed in reverse so the walk visits them in document order (the first problem is reported).
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1)
        stack.push({ value: current[i], depth, key: String(i), parent: frame });
      continue;
    }
    const keys = Object.keys(current);
    for (const key of keys) {
      if (key.includes('\u0000')) return nulProblem(pathOf(frame, key.replaceAll('\u0000', '\\u0000')));
    }
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i]!;
      stack.push({ value: (current as Record<string, unknown>)[key], depth, key, parent: frame });
    }
  }
  return undefined;
}

function nulProblem(path: string): InputProblem {
  return { kind: 'nul_character', path, message: 'must not contain the NUL character (\\u0000); remove it' };
}
