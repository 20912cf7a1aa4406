import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INode } from 'n8n-workflow';
import { HttpClient } from '../shared/http/client';
import type { RetryEvent } from '../shared/http/client';
import { SlidingWindowRateLimiter } from '../shared/rate-limit';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';
import { configureTikTokRateLimits, DEFAULT_TIKTOK_RATE_LIMITS, TikTokApi, tiktokConnection } from './transport';

/**
 * Small windows so that the limits are reached in a few requests: the emulated quota is 3 requests per 1.5 s, and
 * the client paces a little below it (3 per 2 s), as a client should: the service stamps requests on arrival.
 */
const WINDOW = { windowMs: 1500, max: 3 };
const CLIENT_WINDOW = { windowMs: 2000, max: 3 };

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({
    tiktokRateLimits: { creativeCenter: WINDOW, business: WINDOW, research: WINDOW },
  });
});
afterAll(async () => {
  await sandbox.close();
  configureTikTokRateLimits(DEFAULT_TIKTOK_RATE_LIMITS);
});
beforeEach(async () => {
  await sandbox.clearFaults();
  configureTikTokRateLimits({ creativeCenter: CLIENT_WINDOW, business: CLIENT_WINDOW, research: CLIENT_WINDOW });
  await new Promise((resolve) => setTimeout(resolve, WINDOW.windowMs)); // every test starts with empty windows
});
afterEach(() => {
  configureTikTokRateLimits(DEFAULT_TIKTOK_RATE_LIMITS);
});

async function api(onRetry: (event: RetryEvent) => void): Promise<TikTokApi> {
  const connection = await tiktokConnection({ getCredentials: async () => sandbox.credentials.tiktok } as never, 0);
  return new TikTokApi({
    http: new HttpClient({ rateLimitRetries: 5, onRetry }),
    connection,
    node: { name: 'test' } as INode,
    itemIndex: 0,
  });
}
const trendQuery = (keyword: string) => ({
  page: 1,
  limit: 5,
  period: 7,
  country_code: 'US',
  sort_by: 'popular',
  keyword,
});
const KEYWORDS = ['fashion', 'coffee', 'gaming', 'travel', 'pets', 'skincare'];

describe('TikTok rate limits', () => {
  it('paces requests with a sliding window per token, so the API never answers 429', async () => {
    const events: RetryEvent[] = [];
    const client = await api((e) => events.push(e));
    for (const keyword of KEYWORDS)
      await client.creativeCenter('/creative_radar_api/v1/popular_trend/hashtag/list', trendQuery(keyword));
    expect(events).toEqual([]);
  });

  it('without client pacing, the emulated quota answers 429 and the client waits Retry-After', async () => {
    configureTikTokRateLimits({ creativeCenter: { windowMs: 1000, max: 1000 } });
    const events: RetryEvent[] = [];
    const client = await api((e) => events.push(e));
    for (const keyword of KEYWORDS)
      await client.creativeCenter('/creative_radar_api/v1/popular_trend/hashtag/list', trendQuery(keyword));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.reason === 'rateLimited' && e.status === 429 && e.delayMs >= 1000)).toBe(true);
  });

  it('runs a node over more keywords than the window holds, paced, without retries configured', async () => {
    const result = await runNodeForOutput({
      type: 'ionfluxTikTok',
      parameters: { resource: 'trend', operation: 'hashtags', keywords: KEYWORDS, limit: 5, options: {} },
      credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
    });
    expect(result.count).toBe(5);
  });

  it.each([
    [
      'Creative Center (HTTP 429, code 40100)',
      { resource: 'trend', operation: 'sounds', keywords: '["coffee"]', limit: 3 },
    ],
    ['API for Business (HTTP 429, code 40100)', { resource: 'creator', operation: 'search', niche: 'pets', limit: 1 }],
    [
      'Research API (HTTP 429, rate_limit_exceeded)',
      { resource: 'video', operation: 'stats', ids: '["7311234567890123456"]' },
    ],
  ])('retries injected 429s of the %s after Retry-After', async (_name, parameters) => {
    await sandbox.fault({ service: 'tiktok', status: 429, count: 2, retryAfter: 1 });
    const run = await runNode({
      type: 'ionfluxTikTok',
      parameters: { ...parameters, options: {} },
      credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
    });
    expect(run.error).toBeUndefined();
    expect(await sandbox.pendingFaults()).toEqual([]);
  });

  it('gives up after the rate-limit waits with the TikTok error code in the message', async () => {
    await sandbox.fault({ service: 'tiktok', status: 429, count: 6, retryAfter: 0 });
    const business = await runNode({
      type: 'ionfluxTikTok',
      parameters: { resource: 'trend', operation: 'hashtags', keywords: '["coffee"]', options: {} },
      credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
    });
    expect(business.error?.message).toMatch(
      /^TikTok Creative Center error 40100: Requests made too frequently\. Please retry after some time\. \(still rate limited after 5 waits\)/,
    );

    await sandbox.clearFaults();
    const research = await runNode({
      type: 'ionfluxTikTok',
      parameters: { resource: 'video', operation: 'stats', ids: '["7311234567890123456"]', options: {} },
      credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
    });
    expect(research.error).toBeUndefined(); // warms the client token cache, so the next faults hit the query itself
    await sandbox.fault({ service: 'tiktok', status: 429, count: 6, retryAfter: 0 });
    const failed = await runNode({
      type: 'ionfluxTikTok',
      parameters: { resource: 'video', operation: 'stats', ids: '["7311234567890123456"]', options: {} },
      credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
    });
    expect(failed.error?.message).toMatch(
      /^TikTok Research API error rate_limit_exceeded: API rate limit exceeded, please retry later\. \(still rate limited after 5 waits\)/,
    );
  });

  it('retries TikTok 5xx only with options.retries', async () => {
    await sandbox.fault({ service: 'tiktok', status: 500, count: 1 });
    const failed = await runNode({
      type: 'ionfluxTikTok',
      parameters: { resource: 'trend', operation: 'sounds', keywords: '["coffee"]', options: {} },
      credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
    });
    expect(failed.error?.message).toMatch(/^TikTok Creative Center error 50000: System error/);
    await sandbox.fault({ service: 'tiktok', status: 503, count: 2, retryAfter: 0 });
    const passed = await runNode({
      type: 'ionfluxTikTok',
      parameters: {
        resource: 'trend',
        operation: 'sounds',
        keywords: '["coffee"]',
        options: { retries: 2, retryDelayMs: 5 },
      },
      credentials: { ionfluxTikTokOAuth2Api: sandbox.credentials.tiktok as never },
    });
    expect(passed.error).toBeUndefined();
  });
});

describe('SlidingWindowRateLimiter', () => {
  it('allows max requests per window and says how long the next one waits', () => {
    const limiter = new SlidingWindowRateLimiter({ windowMs: 1000, max: 2 }, 1);
    expect(limiter.delayFor('a', 0)).toBe(0);
    limiter.record('a', 0);
    limiter.record('a', 300);
    expect(limiter.delayFor('a', 400)).toBe(601); // the request at 0 leaves the window at 1000
    expect(limiter.delayFor('b', 400)).toBe(0); // per key
    expect(limiter.delayFor('a', 1001)).toBe(0);
    limiter.record('a', 1001);
    expect(limiter.delayFor('a', 1100)).toBe(201); // now the one at 300 is the oldest inside the window
  });
});
