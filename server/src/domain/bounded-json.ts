import { z } from 'zod';

/** Any JSON value whose serialized size stays within `maxBytes` (block content, message payloads). */
export function boundedJson(maxBytes: number) {
  return z.unknown().superRefine((value, ctx) => {
    const size = Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
    if (size > maxBytes)
      ctx.addIssue({ code: 'custom', message: `must be at most ${maxBytes} bytes of JSON (got ${size})` });
  });
}
