import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { IDataObject, INode } from 'n8n-workflow';
import { HttpClient } from '../shared/http/client';
import { credentialExchange } from '../test-support/credential-exchange';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';
import { ACCESS_TOKEN_CREDENTIAL, ShopifyGraphql, waitForCost } from './transport';

let sandbox: TestSandbox;
// Shopify's leaky bucket, scaled down so that draining and refilling takes seconds: 1000 points, 250 restored per second.
beforeAll(async () => {
  // Shopify Plus rates (1,000 points/s): the paging path spends about 70 points per order, so a slower bucket turns
  // waiting out THROTTLED into most of a minute.
  sandbox = await startTestSandbox({ shopifyBucket: { maximumAvailable: 1000, restoreRate: 1000 } });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.clearFaults();
});

const DAY = 86_400_000;
const today = () => Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** 199 orders a page with two money fields: requested cost 997, the same as the node's revenue query. */
const EXPENSIVE =
  'query($q: String) { orders(first: 199, query: $q) { nodes { createdAt cancelledAt totalPriceSet { shopMoney { amount currencyCode } } totalRefundedSet { shopMoney { amount } } } } }';
const thirtyDays = () => `created_at:>='${iso(today() - 30 * DAY)}' created_at:<'${iso(today())}'`;

async function graphql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: any;
    errors?: { message: string; extensions?: { code?: string } }[];
    extensions: { cost: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number } } };
  };
}

/** A second install of the app: its own token, so its own bucket (the checks below do not eat the node's budget). */
async function otherToken(): Promise<string> {
  const response = await fetch(`${sandbox.url}/sandbox/shopify/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_id: 'ionflux-sandbox-shopify-app',
      client_secret: 'ionflux-sandbox-shopify-secret',
      grant_type: 'client_credentials',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Spends the token's bucket down to less than 52 points: pages of 199, then 40, then 10 orders until throttled. Four
 * at a time, so that a slow (loaded) machine still spends faster than the bucket restores (1,000 points a second).
 */
async function drainBucket(token: string): Promise<void> {
  for (const first of [199, 40, 10]) {
    for (let i = 0; ; i++) {
      if (i > 50) throw new Error('the bucket did not drain');
      const query = EXPENSIVE.replace('first: 199', `first: ${first}`);
      const bodies = await Promise.all([1, 2, 3, 4].map(() => graphql(token, query, { q: thirtyDays() })));
      if (bodies.some((body) => body.errors?.[0]?.extensions?.code === 'THROTTLED')) break;
    }
  }
}

const credentials = () => ({ ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify });
/** Without read_reports the revenue summary pages through orders, the path that meets the cost bucket. */
const pagingCredentials = (token: string) => ({
  ionfluxShopifyAccessTokenApi: { ...sandbox.credentials.shopify, accessToken: token },
});

describe('Shopify rate limits', () => {
  it('waits out THROTTLED (the bucket drained by another caller) and then returns the right figures', async () => {
    const token = await sandbox.shopifyTokenWithScopes(['read_orders']);
    await drainBucket(token);
    // Right before the node runs, the store throttles this token.
    expect((await graphql(token, EXPENSIVE, { q: thirtyDays() })).errors?.[0]?.extensions?.code).toBe('THROTTLED');

    const result = await runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { resource: 'revenue', operation: 'summary', period: 'yesterday', options: {} },
      credentials: pagingCredentials(token),
    });
    expect(result.source).toBe('orders');

    const checker = await otherToken();
    const count = await graphql(checker, 'query($q: String) { ordersCount(query: $q, limit: null) { count } }', {
      q: `created_at:>='${iso(today() - DAY)}' created_at:<'${iso(today())}'`,
    });
    expect(result.orders).toBe(count.data.ordersCount.count);
    const report = await graphql(checker, 'query($q: String!) { shopifyqlQuery(query: $q) { tableData { rows } } }', {
      q: 'FROM sales SHOW total_sales DURING yesterday',
    });
    expect(result.total).toBe(Number(report.data.shopifyqlQuery.tableData.rows[0].total_sales));
  });

  it('reads throttleStatus: THROTTLED waits what the bucket needs, and a known expensive query waits before it is sent', async () => {
    const token = await otherToken();
    const connection = {
      shopDomain: 'ionflux-demo.myshopify.com',
      endpoint: `${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`,
      credentialType: ACCESS_TOKEN_CREDENTIAL,
      accessToken: token,
      apiVersion: '2025-10',
      appSecret: '',
    };
    const events: { reason: string; waitMs: number }[] = [];
    const client = new ShopifyGraphql({
      http: new HttpClient({
        rateLimitRetries: 8,
        exchange: credentialExchange(ACCESS_TOKEN_CREDENTIAL, { accessToken: token }),
      }),
      connection,
      node: { name: 'test' } as INode,
      itemIndex: 0,
    });
    client.onThrottle = (event) => events.push(event);

    await drainBucket(token);
    await client.query(EXPENSIVE, { q: thirtyDays() });
    expect(events[0]).toMatchObject({ reason: 'THROTTLED' });
    // (997 requested - what is left) / 250 per second, in ms, plus a margin: at most about 4 s.
    expect(events[0]!.waitMs).toBeGreaterThan(0);
    expect(events[0]!.waitMs).toBeLessThanOrEqual(4050);

    // The same query again: its cost is known and the bucket is empty, so the client waits first and is not throttled.
    events.length = 0;
    await client.query(EXPENSIVE, { q: thirtyDays() });
    expect(events.map((e) => e.reason)).toEqual(['bucket low']);
  });

  it('computes the wait for a cost from a throttle status', () => {
    const status = { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 };
    expect(waitForCost({ status, at: 0, cost: 50, now: 0 })).toBe(0);
    expect(waitForCost({ status, at: 0, cost: 600, now: 0 })).toBe(5050);
    expect(waitForCost({ status, at: 0, cost: 600, now: 2000 })).toBe(3050); // two seconds later 200 more points are there
    expect(waitForCost({ status: undefined, at: 0, cost: 600, now: 0 })).toBe(0);
  });

  it('waits Retry-After on HTTP 429 and succeeds without any node retries', async () => {
    await sandbox.fault({ service: 'shopify', status: 429, count: 2, retryAfter: 1 });
    const result = await runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { resource: 'product', operation: 'lowStock', threshold: 5, options: {} },
      credentials: credentials(),
    });
    expect(result.threshold).toBe(5);
    expect(await sandbox.pendingFaults()).toEqual([]);

    const token = await otherToken(); // before the fault: the token endpoint is Shopify too
    await sandbox.fault({ service: 'shopify', status: 429, count: 1, retryAfter: 1 });
    const events: { reason: string; waitMs: number }[] = [];
    const client = new ShopifyGraphql({
      http: new HttpClient({
        rateLimitRetries: 8,
        exchange: credentialExchange(ACCESS_TOKEN_CREDENTIAL, { accessToken: token }),
      }),
      connection: {
        shopDomain: 'x',
        endpoint: `${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`,
        credentialType: ACCESS_TOKEN_CREDENTIAL,
        accessToken: token,
        apiVersion: '2025-10',
        appSecret: '',
      },
      node: { name: 'test' } as INode,
      itemIndex: 0,
    });
    client.onThrottle = (event) => events.push(event);
    await client.query('{ shop { name } }');
    expect(events).toEqual([{ reason: 'HTTP 429', waitMs: 1000 }]);
  });

  it('gives up on endless 429s, unless node retries are left', async () => {
    await sandbox.fault({ service: 'shopify', status: 429, count: 9, retryAfter: 0 });
    const failed = await runNode({
      type: 'ionfluxShopify',
      parameters: { resource: 'product', operation: 'list', options: {} },
      credentials: credentials(),
    });
    expect(failed.error?.message).toBe('Shopify kept rate limiting the request (HTTP 429) after 8 waits.');
    await sandbox.clearFaults();
    await sandbox.fault({ service: 'shopify', status: 429, count: 9, retryAfter: 0 });
    const passed = await runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { resource: 'product', operation: 'list', limit: 3, options: { retries: 1, retryDelayMs: 1 } },
      credentials: credentials(),
    });
    expect(passed.count).toBe(3);
  });

  it('retries 5xx only with options.retries', async () => {
    await sandbox.fault({ service: 'shopify', status: 503, count: 2, retryAfter: 0 });
    const failed = await runNode({
      type: 'ionfluxShopify',
      parameters: { resource: 'product', operation: 'list', options: {} },
      credentials: credentials(),
    });
    expect(failed.error?.message).toBe('Shopify answered HTTP 503: Unavailable Shop');
    await sandbox.clearFaults();
    await sandbox.fault({ service: 'shopify', status: 500, count: 2 });
    const passed = await runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { resource: 'product', operation: 'list', limit: 2, options: { retries: 2, retryDelayMs: 5 } },
      credentials: credentials(),
    });
    expect((passed.products as IDataObject[]).length).toBe(2);
  });

  it('stops at the timeout instead of waiting for a bucket that refills too slowly', async () => {
    const token = await sandbox.shopifyTokenWithScopes(['read_orders']);
    await drainBucket(token);
    const run = await runNode({
      type: 'ionfluxShopify',
      parameters: { resource: 'revenue', operation: 'summary', period: 'yesterday', options: { timeoutMs: 800 } },
      credentials: pagingCredentials(token),
    });
    expect(run.error?.message).toMatch(
      /did not finish within the timeout of 800 ms|Shopify throttled the query \(THROTTLED\) and it did not fit within 8 waits or the timeout/,
    );
  });
});
