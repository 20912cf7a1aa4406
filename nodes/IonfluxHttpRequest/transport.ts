/**
 * Transport of the HTTP Request node: user-supplied URLs, so every request goes through the SSRF guard (every
 * redirect hop checked, at most 5, the connection pinned to the checked address).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { HttpResponse } from '../shared/http/client';
import { itemHttpClient } from '../shared/http/item-client';
import type { SsrfPolicy } from '../shared/http/ssrf';

export const MAX_REDIRECTS = 5;

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
}

/** Sends one user request; `ssrf` overrides the guard's policy (tests inject a resolver). */
export async function sendUserRequest(
  ctx: IExecuteFunctions,
  itemIndex: number,
  request: OutgoingRequest,
  ssrf: SsrfPolicy = {},
): Promise<HttpResponse> {
  const http = itemHttpClient(ctx, itemIndex, { ssrf, maxRedirects: MAX_REDIRECTS });
  return await http.send({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.query ? { query: request.query } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
}
