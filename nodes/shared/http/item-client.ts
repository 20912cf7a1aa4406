import type { IExecuteFunctions } from 'n8n-workflow';
import { HttpClient } from './client';
import type { HttpClientOptions } from './client';
import { readRequestPolicy } from '../operation';

/**
 * The HTTP client of one item: its `options` (timeout, retries, backoff) and the run's cancel signal.
 *
 * @example
 * const http = itemHttpClient(this, itemIndex, { rateLimitRetries: 5 });
 */
export function itemHttpClient(
  ctx: IExecuteFunctions,
  itemIndex: number,
  overrides: Partial<HttpClientOptions> = {},
): HttpClient {
  const policy = readRequestPolicy(ctx, itemIndex);
  const signal = typeof ctx.getExecutionCancelSignal === 'function' ? ctx.getExecutionCancelSignal() : undefined;
  return new HttpClient({
    ...(policy.timeoutMs !== undefined ? { timeoutMs: policy.timeoutMs } : {}),
    retries: policy.retries,
    retryDelayMs: policy.retryDelayMs,
    ...(signal ? { signal } : {}),
    ...overrides,
  });
}
