import type { Request } from 'express';
import { z } from 'zod';
import { appPath } from '../../domain/app-path';
import { PG_INT_MAX } from '../../domain/input-bounds';

export { appPath };

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

/** Trimmed, non-empty, bounded text; `label` names it in messages ("Title cannot be empty"). */
export function text(max: number, label = 'This field') {
  return z.string().trim().min(1, `${label} cannot be empty`).max(max, `${label} must be at most ${max} characters`);
}

/** An integer from a query string, with a default. */
export function queryInt(args: { min: number; max: number; fallback: number }) {
  return z.coerce.number().int().min(args.min).max(args.max).default(args.fallback);
}

/** A non-negative integer that fits a PostgreSQL `integer` column (versions, sequence numbers). */
export function int32(min = 0) {
  return z.int().min(min).max(PG_INT_MAX, `must be at most ${PG_INT_MAX}`);
}

/** The same, from a query string (digits only). */
export function queryInt32(min = 0) {
  return z.coerce.number().int().min(min).max(PG_INT_MAX, `must be at most ${PG_INT_MAX}`);
}

/**
 * The client address rate limits count against: the TCP peer. (Behind a proxy every client shares its address;
 * the server does not trust X-Forwarded-For.)
 */
export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** An http(s) URL, or a path of this app. */
export const httpUrlOrAppPath = z.union([
  z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(2000),
  appPath,
]);

/** `true`/`false` (and 1/0) in a query string. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
