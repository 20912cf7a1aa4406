import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';
import { shapeMismatches } from '../shared/shape';
import { generateStore } from './store';

const NOW = '2026-02-01T00:00:00Z';
const TOKEN = SANDBOX_CREDENTIALS.shopify.accessToken;
let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandboxServer({ seed: 42, now: NOW });
});
afterAll(async () => {
  await sandbox.close();
});

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  server = sandbox,
) {
  const response = await fetch(`${server.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const ORDER_FIELDS = `id legacyResourceId name createdAt processedAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus currencyCode email tags
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  subtotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalTaxSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalDiscountsSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalShippingPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalRefundedSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  customer { id email firstName lastName }
  lineItems(first: 10) { edges { node { id title quantity sku originalUnitPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } variant { id } product { id } } } }`;

describe('GraphQL Admin API', () => {
  it('rejects a missing or unknown access token with 401 in Shopify shape', async () => {
    const missing = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"query":"{ shop { name } }"}',
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    });
    expect((await gql('{ shop { name } }', {}, { 'X-Shopify-Access-Token': 'shpat_wrong' })).status).toBe(401);
  });

  it('serves shop and pins the API version', async () => {
    const { status, headers, body } = await gql('{ shop { name myshopifyDomain currencyCode ianaTimezone } }');
    expect(status).toBe(200);
    expect(headers.get('x-shopify-api-version')).toBe('2025-10');
    expect(body.data.shop).toEqual({
      name: 'IONFLUX Demo Store',
      myshopifyDomain: 'ionflux-demo.myshopify.com',
      currencyCode: 'USD',
      ianaTimezone: 'Etc/UTC',
    });
  });

  it('matches the documented orders response shape (contract)', async () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'orders-query-response.json'), 'utf8'));
    const { body } = await gql(
      `{ orders(first: 5) { edges { cursor node { ${ORDER_FIELDS} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    );
    expect(shapeMismatches(body, fixture)).toEqual([]);
    const node = body.data.orders.edges[0].node;
    expect(node.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    expect(node.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(node.totalPriceSet.shopMoney.amount).toMatch(/^\d+\.\d{1,2}$/);
    expect(node.name).toMatch(/^#\d+$/);
  });

  it('walks every page of a period exactly once, forward and backward', async () => {
    const store = generateStore(42, NOW);
    const query = "created_at:>=2026-01-20 created_at:<'2026-01-27T00:00:00Z'";
    const expected = store
      .ordersCreatedBetween(Date.parse('2026-01-20T00:00:00Z'), Date.parse('2026-01-27T00:00:00Z'))
      .map((o) => `gid://shopify/Order/${o.legacyId}`);
    expect(expected.length).toBeGreaterThan(150);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body } = await gql(
        'query($q: String, $after: String) { orders(first: 50, after: $after, query: $q) { nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }',
        { q: query, after },
      );
      const conn = body.data.orders;
      expect(conn.pageInfo.hasPreviousPage).toBe(pages > 0);
      seen.push(...conn.nodes.map((n: { id: string }) => n.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    const count = await gql('query($q: String) { ordersCount(query: $q) { count precision } }', { q: query });
    expect(count.body.data.ordersCount).toEqual({ count: expected.length, precision: 'EXACT' });

    const back: string[] = [];
    let before: string | null = null;
    for (;;) {
      const { body } = await gql(
        'query($q: String, $before: String) { orders(last: 60, before: $before, query: $q) { nodes { id } pageInfo { hasPreviousPage startCursor } } }',
        { q: query, before },
      );
      back.unshift(...body.data.orders.nodes.map((n: { id: string }) => n.id));
      if (!body.data.orders.pageInfo.hasPreviousPage) break;
      before = body.data.orders.pageInfo.startCursor;
    }
    expect(back).toEqual(expected);
  });

  it('sorts with sortKey and reverse, and paginates the sorted order', async () => {
    const first = await gql(
      '{ orders(first: 20, sortKey: TOTAL_PRICE, reverse: true, query: "created_at:2026-01-15") { nodes { totalPriceSet { shopMoney { amount } } } pageInfo { endCursor } } }',
    );
    const amounts = first.body.data.orders.nodes.map((n: any) => Number(n.totalPriceSet.shopMoney.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    const next = await gql(
      'query($after: String) { orders(first: 20, after: $after, sortKey: TOTAL_PRICE, reverse: true, query: "created_at:2026-01-15") { nodes { totalPriceSet { shopMoney { amount } } } } }',
      { after: first.body.data.orders.pageInfo.endCursor },
    );
    const nextAmounts = next.body.data.orders.nodes.map((n: any) => Number(n.totalPriceSet.shopMoney.amount));
    expect(nextAmounts.every((a: number) => a <= amounts[amounts.length - 1])).toBe(true);
  });

  it('filters orders by financial status, status and tag', async () => {
    const paid = await gql(
      '{ orders(first: 250, query: "created_at:>=2026-01-01 financial_status:paid status:any") { nodes { displayFinancialStatus createdAt } } }',
    );
    expect(paid.body.data.orders.nodes.length).toBe(250);
    expect(
      paid.body.data.orders.nodes.every((n: any) => n.displayFinancialStatus === 'PAID' && n.createdAt >= '2026-01-01'),
    ).toBe(true);
    const cancelled = await gql('{ orders(first: 50, query: "status:cancelled") { nodes { cancelledAt } } }');
    expect(cancelled.body.data.orders.nodes.length).toBeGreaterThan(0);
    expect(cancelled.body.data.orders.nodes.every((n: any) => n.cancelledAt !== null)).toBe(true);
    const bfcm = await gql('{ orders(first: 5, query: "tag:bfcm") { nodes { tags createdAt } } }');
    expect(
      bfcm.body.data.orders.nodes.every((n: any) => n.tags.includes('bfcm') && n.createdAt.startsWith('2025-11')),
    ).toBe(true);
  });

  it('reports unknown search fields in extensions.search instead of failing', async () => {
    const { body } = await gql('{ orders(first: 1, query: "colour:red") { nodes { id } } }');
    expect(body.data.orders.nodes).toHaveLength(1);
    expect(body.extensions.search).toEqual([
      {
        path: ['orders'],
        query: 'colour:red',
        warnings: [{ field: 'colour', message: 'Invalid search field for this query.' }],
      },
    ]);
  });

  it('serves products with search, variants and price ranges', async () => {
    const { body } = await gql(
      '{ products(first: 50, query: "inventory_total:<10") { nodes { id title handle vendor productType status totalInventory createdAt priceRangeV2 { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } } variants(first: 10) { nodes { id sku price inventoryQuantity } } } } }',
    );
    const products = body.data.products.nodes;
    expect(products.length).toBeGreaterThan(0);
    for (const p of products) {
      expect(p.totalInventory).toBeLessThan(10);
      expect(p.totalInventory).toBe(
        p.variants.nodes.reduce((s: number, v: any) => s + Math.max(0, v.inventoryQuantity), 0),
      );
      const prices = p.variants.nodes.map((v: any) => Number(v.price));
      expect(Number(p.priceRangeV2.minVariantPrice.amount)).toBe(Math.min(...prices));
      expect(p.variants.nodes.every((v: any) => /^\d+\.\d{2}$/.test(v.price))).toBe(true);
    }
    const shirts = await gql('{ products(first: 50, query: "title:*shirt*") { nodes { title } } }');
    expect(shirts.body.data.products.nodes.length).toBeGreaterThan(0);
    expect(shirts.body.data.products.nodes.every((p: any) => /shirt/i.test(p.title))).toBe(true);
    const one = await gql('query($id: ID!) { product(id: $id) { id title } }', { id: products[0].id });
    expect(one.body.data.product).toEqual({ id: products[0].id, title: products[0].title });
  });

  it('serves customers with order counts and lifetime spend', async () => {
    const store = generateStore(42, NOW);
    const { body } = await gql(
      '{ customers(first: 250, query: "orders_count:>3") { nodes { id firstName lastName email numberOfOrders amountSpent { amount currencyCode } createdAt } } }',
    );
    const customers = body.data.customers.nodes;
    expect(customers.length).toBeGreaterThan(5);
    for (const c of customers.slice(0, 20)) {
      const legacy = Number(c.id.split('/').pop());
      expect(Number(c.numberOfOrders)).toBe(store.customerStats(legacy).numberOfOrders);
      expect(Number(c.numberOfOrders)).toBeGreaterThan(3);
      expect(c.numberOfOrders).toMatch(/^\d+$/);
    }
    const byEmail = await gql('query($q: String) { customers(first: 1, query: $q) { nodes { email } } }', {
      q: `email:${customers[0].email}`,
    });
    expect(byEmail.body.data.customers.nodes).toEqual([{ email: customers[0].email }]);
  });

  it('resolves order(id) and node(id), and errors on malformed ids', async () => {
    const { body } = await gql('{ orders(first: 1) { nodes { id name } } }');
    const id = body.data.orders.nodes[0].id;
    expect((await gql('query($id: ID!) { order(id: $id) { id name } }', { id })).body.data.order).toEqual(
      body.data.orders.nodes[0],
    );
    expect(
      (await gql('query($id: ID!) { node(id: $id) { id ... on Order { name } } }', { id })).body.data.node,
    ).toEqual(body.data.orders.nodes[0]);
    expect((await gql('{ order(id: "gid://shopify/Order/1") { id } }')).body.data.order).toBeNull();
    const bad = await gql('{ order(id: "12345") { id } }');
    expect(bad.body.errors[0].message).toBe("Invalid global id '12345'");
  });

  it('returns GraphQL errors with locations for syntax and validation problems', async () => {
    const syntax = await gql('{ orders(first: 2 { id } }');
    expect(syntax.status).toBe(200);
    expect(syntax.body.errors[0].locations[0]).toEqual({ line: 1, column: 19 });
    const unknown = await gql('{ shop { nonsense } }');
    expect(unknown.body.errors[0]).toMatchObject({
      message: "Field 'nonsense' doesn't exist on type 'Shop'",
      locations: [{ line: 1, column: 10 }],
      extensions: { code: 'undefinedField' },
    });
    const noFirst = await gql('{ orders { nodes { id } } }');
    expect(noFirst.body.errors[0].message).toBe('you must provide one of first or last');
    const tooMany = await gql('{ orders(first: 251) { nodes { id } } }');
    expect(tooMany.body.errors[0].message).toMatch(/maximum number of records/);
    const noQuery = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
      body: '{}',
    });
    expect(noQuery.status).toBe(400);
    const badJson = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
      body: '{"query":',
    });
    expect(badJson.status).toBe(400);
  });

  it('reports query cost in extensions and rejects queries above the single-query limit', async () => {
    const { body } = await gql(
      '{ orders(first: 10) { edges { node { id lineItems(first: 5) { edges { node { id } } } } } } }',
    );
    // 2 + 10 x (1 order + (2 + 5 x 1 line item)) = 82 requested; actual counts the line items returned.
    expect(body.extensions.cost.requestedQueryCost).toBe(82);
    expect(body.extensions.cost.actualQueryCost).toBeLessThanOrEqual(82);
    expect(body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    const huge = await gql('{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }');
    expect(huge.body.errors[0].extensions.code).toBe('MAX_COST_EXCEEDED');
  });
});

describe('throttling', () => {
  it('throttles with HTTP 200 and THROTTLED once the leaky bucket is empty, then restores over time', async () => {
    let clock = Date.parse('2026-02-01T12:00:00Z');
    const server = await startSandboxServer({
      seed: 42,
      now: NOW,
      clock: () => clock,
      shopifyBucket: { maximumAvailable: 1000, restoreRate: 50 },
    });
    try {
      // Requested 2 + 250 = 252 is reserved up front; only the actual cost (2 + products returned) is kept.
      const expensive = '{ products(first: 250) { nodes { id title } } }';
      const available: number[] = [];
      let throttled: any = null;
      for (let i = 0; i < 40 && !throttled; i++) {
        const r = await gql(expensive, {}, {}, server);
        if (r.body.errors?.[0]?.message === 'Throttled') throttled = r;
        else available.push(r.body.extensions.cost.throttleStatus.currentlyAvailable);
      }
      expect(throttled).not.toBeNull();
      expect(available).toEqual([...available].sort((a, b) => b - a));
      expect(throttled.status).toBe(200);
      const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'throttled-response.json'), 'utf8'));
      expect(shapeMismatches(throttled.body, fixture)).toEqual([]);
      expect(throttled.body.extensions.cost.actualQueryCost).toBeNull();
      expect(throttled.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(252);
      clock += 10_000; // 10 s x 50 points/s restores 500
      const after = await gql(expensive, {}, {}, server);
      expect(after.body.errors).toBeUndefined();
      expect(after.body.data.products.nodes.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('answers 429 with Retry-After under fault injection (header or queued)', async () => {
    const viaHeader = await gql('{ shop { name } }', {}, { 'X-Sandbox-Fault': '429; retry-after=3' });
    expect(viaHeader.status).toBe(429);
    expect(viaHeader.headers.get('retry-after')).toBe('3');
    expect(viaHeader.body.errors).toMatch(/Exceeded 2 calls per second/);
    const queued = await fetch(`${sandbox.url}/sandbox/control/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ service: 'shopify', status: 429, count: 2, retryAfter: 1 }),
    });
    expect(queued.status).toBe(201);
    expect((await gql('{ shop { name } }')).status).toBe(429);
    expect((await gql('{ shop { name } }')).status).toBe(429);
    expect((await gql('{ shop { name } }')).status).toBe(200);
    const invalid = await fetch(`${sandbox.url}/sandbox/control/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ service: 'shopify', status: 418 }),
    });
    expect(invalid.status).toBe(400);
  });
});

describe('robustness', () => {
  it('never answers 500 to arbitrary queries, variables or search strings', async () => {
    const samples = fc.sample(
      fc.tuple(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.constantFrom(
            '{ orders(first: 3, query: $q) { nodes { id } } }',
            'query($q: String) { products(first: 2, query: $q) { nodes { title } } }',
            '{ customers(first: 1, after: "bogus") { nodes { id } } }',
          ),
        ),
        fc.string({ maxLength: 40 }),
      ),
      { seed: 99, numRuns: 60 },
    );
    for (const [query, q] of samples) {
      const response = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
        body: JSON.stringify({ query, variables: { q } }),
      });
      expect([200, 400]).toContain(response.status);
      await response.json();
    }
  });
});
