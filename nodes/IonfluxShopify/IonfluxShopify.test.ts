import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IDataObject } from 'n8n-workflow';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';

let sandbox: TestSandbox;
// A large cost bucket keeps these functional tests fast; throttling has its own tests with Shopify's real bucket.
beforeAll(async () => {
  sandbox = await startTestSandbox({ shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
});
afterAll(async () => {
  await sandbox.close();
});

const shopify = (parameters: IDataObject, extra: { items?: IDataObject[]; onError?: 'continueErrorOutput' } = {}) =>
  runNode({
    type: 'ionfluxShopify',
    parameters: { options: {}, ...parameters },
    credentials: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
    ...extra,
  });
const output = async (parameters: IDataObject) =>
  runNodeForOutput({
    type: 'ionfluxShopify',
    parameters: { options: {}, ...parameters },
    credentials: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
  });

const DAY = 86_400_000;
/** The sandbox shop's zone is Etc/UTC (checked below), so local days are UTC days. */
const todayUtc = () => Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cents = (amount: string) => Math.round(Number(amount) * 100);

interface DirectOrder {
  id: string;
  createdAt: string;
  cancelledAt: string | null;
  totalPriceSet: { shopMoney: { amount: string } };
  totalRefundedSet: { shopMoney: { amount: string } };
}

async function ordersBetween(from: number, to: number): Promise<DirectOrder[]> {
  return sandbox.shopifyAll<DirectOrder>(
    'query($q: String, $after: String) { orders(first: 100, after: $after, query: $q) { nodes { id createdAt cancelledAt totalPriceSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } } } pageInfo { hasNextPage endCursor } } }',
    { q: `created_at:>='${iso(from)}' created_at:<'${iso(to)}'` },
    (data) => data.orders,
  );
}

describe('IONFLUX Shopify against the sandbox', () => {
  it('the sandbox shop keeps time in UTC (the expected figures below rely on it)', async () => {
    const { body } = await sandbox.shopifyGraphql('{ shop { ianaTimezone currencyCode } }');
    expect(body.data.shop).toEqual({ ianaTimezone: 'Etc/UTC', currencyCode: 'USD' });
  });

  it('lists every order of the last 7 days across pages (> 250 orders), newest first, as normalized orders', async () => {
    const today = todayUtc();
    const result = await output({ resource: 'order', operation: 'list', period: 'last_7_days', limit: 10000 });
    const direct = await ordersBetween(today - 7 * DAY, today);
    expect(direct.length).toBeGreaterThan(250);
    const orders = result.orders as IDataObject[];
    expect(result.count).toBe(direct.length);
    expect(new Set(orders.map((o) => o.id))).toEqual(new Set(direct.map((o) => o.id)));
    const times = orders.map((o) => Date.parse(o.createdAt as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(result.from).toBe(`${new Date(today - 7 * DAY).toISOString().slice(0, 10)}T00:00:00+00:00`);

    // One order, field by field, against the sandbox's own answer.
    const sample = orders[17]!;
    const { body } = await sandbox.shopifyGraphql(
      `query($id: ID!) { order(id: $id) { legacyResourceId name createdAt cancelledAt displayFinancialStatus displayFulfillmentStatus email tags
        totalPriceSet { shopMoney { amount currencyCode } } subtotalPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
        totalDiscountsSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } }
        customer { id firstName lastName defaultEmailAddress { emailAddress } }
        lineItems(first: 50) { nodes { title quantity sku originalUnitPriceSet { shopMoney { amount } } variant { id } product { id } } } } }`,
      { id: sample.id },
    );
    const o = body.data.order;
    expect(sample).toEqual({
      id: sample.id,
      legacyId: o.legacyResourceId,
      name: o.name,
      createdAt: o.createdAt,
      totalPrice: cents(o.totalPriceSet.shopMoney.amount) / 100,
      subtotalPrice: cents(o.subtotalPriceSet.shopMoney.amount) / 100,
      totalTax: cents(o.totalTaxSet.shopMoney.amount) / 100,
      totalDiscounts: cents(o.totalDiscountsSet.shopMoney.amount) / 100,
      totalRefunded: cents(o.totalRefundedSet.shopMoney.amount) / 100,
      currency: o.totalPriceSet.shopMoney.currencyCode,
      financialStatus: o.displayFinancialStatus.toLowerCase(),
      fulfillmentStatus: o.displayFulfillmentStatus.toLowerCase(),
      cancelled: o.cancelledAt !== null,
      email: o.email,
      customer: o.customer
        ? {
            id: o.customer.id,
            email: o.customer.defaultEmailAddress?.emailAddress ?? null,
            firstName: o.customer.firstName,
            lastName: o.customer.lastName,
          }
        : null,
      lineItems: o.lineItems.nodes.map((l: any) => ({
        title: l.title,
        quantity: l.quantity,
        sku: l.sku,
        unitPrice: cents(l.originalUnitPriceSet.shopMoney.amount) / 100,
        productId: l.product?.id ?? null,
        variantId: l.variant?.id ?? null,
      })),
      tags: o.tags,
    });
  });

  it('applies limit, status and an extra search query', async () => {
    const today = todayUtc();
    const newest = await output({ resource: 'order', operation: 'list', period: 'last_7_days', limit: 30 });
    const all = await ordersBetween(today - 7 * DAY, today);
    const expectedNewest = [...all]
      .sort(
        (a, b) =>
          Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id, 'en', { numeric: true }),
      )
      .slice(0, 30);
    expect((newest.orders as IDataObject[]).map((o) => o.id)).toEqual(expectedNewest.map((o) => o.id));

    const cancelled = await output({
      resource: 'order',
      operation: 'list',
      period: 'last_30_days',
      status: 'cancelled',
      limit: 10000,
    });
    const direct = (await ordersBetween(today - 30 * DAY, today)).filter((o) => o.cancelledAt !== null);
    expect(new Set((cancelled.orders as IDataObject[]).map((o) => o.id))).toEqual(new Set(direct.map((o) => o.id)));
    expect((cancelled.orders as IDataObject[]).every((o) => o.cancelled === true)).toBe(true);

    const refunded = await output({
      resource: 'order',
      operation: 'list',
      period: 'last_30_days',
      query: 'financial_status:refunded OR financial_status:partially_refunded',
      limit: 10000,
    });
    const refundedOrders = refunded.orders as IDataObject[];
    expect(refundedOrders.length).toBeGreaterThan(0);
    expect(
      refundedOrders.every((o) => o.financialStatus === 'refunded' || o.financialStatus === 'partially_refunded'),
    ).toBe(true);
    expect(refundedOrders.every((o) => (o.totalRefunded as number) > 0)).toBe(true);
  });

  it('gets one order by numeric id or global id, and says when it does not exist', async () => {
    const list = await output({ resource: 'order', operation: 'list', period: 'yesterday', limit: 1 });
    const first = (list.orders as IDataObject[])[0]!;
    const byGid = await output({ resource: 'order', operation: 'get', id: first.id });
    const byNumber = await output({ resource: 'order', operation: 'get', id: first.legacyId });
    expect(byGid).toEqual({ order: first });
    expect(byNumber).toEqual({ order: first });
    expect((await shopify({ resource: 'order', operation: 'get', id: '999' })).error?.message).toBe(
      'Order 999 was not found in the store ionflux-demo.myshopify.com.',
    );
    expect((await shopify({ resource: 'order', operation: 'get', id: 'order-one' })).error?.message).toBe(
      'Parameter "id" must be an order id such as gid://shopify/Order/1001 or 1001, but got "order-one".',
    );
  });

  it('low stock: every active, inventory-tracked product at or below the threshold, lowest first, none missed', async () => {
    const products = await sandbox.shopifyAll<{
      id: string;
      status: string;
      totalInventory: number;
      tracksInventory: boolean;
      title: string;
    }>(
      'query($after: String) { products(first: 100, after: $after) { nodes { id title status totalInventory tracksInventory } pageInfo { hasNextPage endCursor } } }',
      {},
      (data) => data.products,
    );
    for (const threshold of [0, 12, 100]) {
      const result = await output({ resource: 'product', operation: 'lowStock', threshold, limit: 5000 });
      const expected = products
        .filter((p) => p.status === 'ACTIVE' && p.tracksInventory && p.totalInventory <= threshold)
        .sort((a, b) => a.totalInventory - b.totalInventory || a.title.localeCompare(b.title));
      const got = result.products as IDataObject[];
      expect(got.map((p) => p.id)).toEqual(expected.map((p) => p.id));
      expect(got.every((p) => (p.totalInventory as number) <= threshold && p.status === 'active')).toBe(true);
      expect(result).toMatchObject({ count: expected.length, threshold });
    }
    // Below the threshold there are inactive and untracked products (draft, archived, a gift card) that stay out.
    expect(products.some((p) => p.totalInventory <= 100 && (p.status !== 'ACTIVE' || !p.tracksInventory))).toBe(true);
  });

  it('lists products by status and search query, and gets one with its variants', async () => {
    const all = await sandbox.shopifyAll<{ id: string; status: string; productType: string }>(
      'query($after: String) { products(first: 100, after: $after) { nodes { id status productType } pageInfo { hasNextPage endCursor } } }',
      {},
      (data) => data.products,
    );
    const mugs = await output({ resource: 'product', operation: 'list', status: 'any', query: 'product_type:Mugs' });
    expect(new Set((mugs.products as IDataObject[]).map((p) => p.id))).toEqual(
      new Set(all.filter((p) => p.productType === 'Mugs').map((p) => p.id)),
    );
    const active = await output({ resource: 'product', operation: 'list' });
    expect(active.count).toBe(all.filter((p) => p.status === 'ACTIVE').length);
    const drafts = await output({ resource: 'product', operation: 'list', status: 'draft' });
    expect((drafts.products as IDataObject[]).map((p) => p.status)).toEqual(
      all.filter((p) => p.status === 'DRAFT').map(() => 'draft'),
    );

    const product = (mugs.products as IDataObject[])[0]!;
    const got = await output({ resource: 'product', operation: 'get', id: String(product.id).split('/').pop() });
    expect(got).toEqual({ product });
    const variants = product.variants as IDataObject[];
    expect(variants.length).toBeGreaterThan(0);
    expect(product.price).toBe(Math.min(...variants.map((v) => v.price as number)));
    expect(product.totalInventory).toBe(variants.reduce((s, v) => s + (v.inventoryQuantity as number), 0));
  });

  it('lists customers sorted by amount spent, with a search query, and how many match', async () => {
    const customers = await sandbox.shopifyAll<{ id: string; numberOfOrders: string; amountSpent: { amount: string } }>(
      'query($after: String, $q: String) { customers(first: 250, after: $after, query: $q) { nodes { id numberOfOrders amountSpent { amount } } pageInfo { hasNextPage endCursor } } }',
      { q: 'orders_count:>40' },
      (data) => data.customers,
    );
    const expected = [...customers]
      .sort((a, b) => cents(b.amountSpent.amount) - cents(a.amountSpent.amount) || a.id.localeCompare(b.id))
      .slice(0, 7);
    const result = await output({ resource: 'customer', operation: 'list', query: 'orders_count:>40', limit: 7 });
    const got = result.customers as IDataObject[];
    expect(got.map((c) => c.id)).toEqual(expected.map((c) => c.id));
    expect(got.map((c) => c.amountSpent)).toEqual(expected.map((c) => cents(c.amountSpent.amount) / 100));
    expect(got.every((c) => (c.numberOfOrders as number) > 40)).toBe(true);
    expect(customers.length).toBeGreaterThan(7);
    expect({ count: result.count, total: result.total }).toEqual({ count: 7, total: customers.length });
  });

  it('names the parameter at fault', async () => {
    const cases: [IDataObject, string][] = [
      [
        { resource: 'order', operation: 'list', query: 'colour:red' },
        'Parameter "query" is not a valid Shopify search query: colour: Invalid search field for this query.',
      ],
      [
        { resource: 'order', operation: 'list', period: 'custom' },
        'Parameter "from" is required when period is "custom" (e.g. 2026-11-01).',
      ],
      [
        { resource: 'revenue', operation: 'summary', period: 'custom', from: '2026-13-01' },
        'Parameter "from" is not a calendar date: "2026-13-01".',
      ],
      [
        { resource: 'revenue', operation: 'summary', period: 'custom', from: 'next monday' },
        'Parameter "from" must be an ISO date (2026-11-01) or date-time (2026-11-01T09:00:00Z), but got "next monday".',
      ],
      [
        { resource: 'revenue', operation: 'summary', period: '={{ "fortnight" }}' },
        'Parameter "period" must be one of "today", "yesterday", "last_7_days", "last_30_days", "last_90_days", "last_365_days", "month_to_date", "last_month", "year_to_date", "custom", but got "fortnight".',
      ],
      [
        { resource: 'order', operation: 'list', limit: '={{ "lots" }}' },
        'Parameter "limit" must be a whole number, but got the text "lots".',
      ],
      [
        { resource: 'product', operation: 'lowStock', threshold: -1 },
        'Parameter "threshold" must be at least 0, but got -1.',
      ],
    ];
    for (const [parameters, message] of cases) expect((await shopify(parameters)).error?.message).toBe(message);
  });

  it('accepts numbers computed by expressions (as numbers or numeric text)', async () => {
    const result = await output({
      resource: 'product',
      operation: 'lowStock',
      threshold: '={{ "15" }}',
      limit: '={{ 2 }}',
    });
    expect(result).toMatchObject({ threshold: 15, count: 2 });
  });

  it('reports a rejected token as a Shopify error', async () => {
    const run = await runNode({
      type: 'ionfluxShopify',
      parameters: { resource: 'product', operation: 'list', options: {} },
      credentials: { ionfluxShopifyAccessTokenApi: { ...sandbox.credentials.shopify, accessToken: 'shpat_wrong' } },
    });
    expect(run.error?.message).toBe(
      'Shopify rejected the credential (HTTP 401): [API] Invalid API key or access token (unrecognized login or wrong password). Check the access token and its scopes.',
    );
  });

  it('works with the OAuth2 credential (token from the OAuth token endpoint)', async () => {
    const response = await fetch(`${sandbox.url}/sandbox/shopify/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: 'ionflux-sandbox-shopify-app',
        client_secret: 'ionflux-sandbox-shopify-secret',
        grant_type: 'client_credentials',
      }),
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    const oauth = {
      shopDomain: 'ionflux-demo',
      baseUrl: `${sandbox.url}/sandbox/shopify`,
      clientId: 'ionflux-sandbox-shopify-app',
      clientSecret: 'ionflux-sandbox-shopify-secret',
      oauthTokenData: { access_token: token },
    };
    const result = await runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { authentication: 'oAuth2', resource: 'product', operation: 'lowStock', threshold: 5, options: {} },
      credentials: { ionfluxShopifyOAuth2Api: oauth },
    });
    expect(result.threshold).toBe(5);
    const unconnected = await runNode({
      type: 'ionfluxShopify',
      parameters: { authentication: 'oAuth2', resource: 'product', operation: 'list', options: {} },
      credentials: { ionfluxShopifyOAuth2Api: { ...oauth, oauthTokenData: {} } },
    });
    expect(unconnected.error?.message).toBe(
      'The Shopify OAuth2 credential is not connected yet: connect it to the store first.',
    );
  });

  it('continues per item: a failing item goes to the error output, the others succeed', async () => {
    const list = await output({ resource: 'order', operation: 'list', period: 'yesterday', limit: 2 });
    const [a, b] = list.orders as IDataObject[];
    const run = await shopify(
      { resource: 'order', operation: 'get', id: '={{ $json.id }}' },
      { items: [{ id: a!.legacyId }, { id: 'nope' }, { id: b!.id }], onError: 'continueErrorOutput' },
    );
    expect(run.items.map((i) => (i.order as IDataObject).id)).toEqual([a!.id, b!.id]);
    expect(run.errorItems).toEqual([
      { error: 'Parameter "id" must be an order id such as gid://shopify/Order/1001 or 1001, but got "nope".' },
    ]);
  });
});
