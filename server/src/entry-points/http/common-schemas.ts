import { z } from 'zod';

/** The body of every error response. */
export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. invalid_request, version_conflict'),
      message: z.string().describe('What went wrong and how to fix it'),
      requestId: z.string().describe('Quote it when reporting a problem'),
      fields: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .describe('Bad input fields (400)'),
      details: z.record(z.string(), z.unknown()).optional().describe('Extra data, e.g. the current block on a 409'),
    }),
  })
  .meta({ id: 'ErrorResponse' });

export const uuid = z.uuid();
export const WorkspaceParams = z.object({ workspaceId: uuid });

/** Trimmed, non-empty, bounded text. */
export function text(max: number, min = 1) {
  return z.string().trim().min(min).max(max);
}

/** An integer from a query string, with a default. */
export function queryInt(args: { min: number; max: number; fallback: number }) {
  return z.coerce.number().int().min(args.min).max(args.max).default(args.fallback);
}

/** `true`/`false` (and 1/0) in a query string. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
