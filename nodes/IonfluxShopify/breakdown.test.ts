import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';
import { HttpClient } from '../shared/http/client';
import { credentialExchange } from '../test-support/credential-exchange';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { sendJson, startLocalServer } from '../test-support/local-server';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';
import {
  BREAKDOWN_ORDER_NODE_COST,
  BREAKDOWN_ORDERS_QUERY,
  breakdownFromShopifyql,
  breakdownOfOrders,
} from './breakdown';
import { pageSizeFor } from './normalize';
import type { Breakdown, BreakdownOrder, BreakdownRow, ProductOrder } from './breakdown';
import { resolvePeriod } from './periods';
import type { PeriodName } from './periods';
import { touchedOrdersQuery } from './sales';
import { ACCESS_TOKEN_CREDENTIAL, ShopifyGraphql } from './transport';

const READ_SCOPES = ['read_orders', 'read_all_orders', 'read_products', 'read_customers'];
const cents = (amount: unknown) => Math.round(Number(amount) * 100);

function client(sandbox: TestSandbox, accessToken: string): ShopifyGraphql {
  return new ShopifyGraphql({
    http: new HttpClient({
      rateLimitRetries: 1,
      exchange: credentialExchange(ACCESS_TOKEN_CREDENTIAL, { accessToken }),
    }),
    connection: {
      shopDomain: 'ionflux-demo.myshopify.com',
      endpoint: `${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`,
      accessToken,
      apiVersion: '2025-10',
      appSecret: '',
      credentialType: ACCESS_TOKEN_CREDENTIAL,
    },
    node: { name: 'Sales breakdown' } as INode,
    itemIndex: 0,
  });
}

const BREAKDOWNS: { breakdown: Breakdown; productOrder?: ProductOrder; limit?: number }[] = [
  { breakdown: 'day' },
  { breakdown: 'week' },
  { breakdown: 'month' },
  { breakdown: 'channel' },
  { breakdown: 'product', productOrder: 'title' },
  { breakdown: 'product', productOrder: 'netSales', limit: 7 },
  { breakdown: 'product', productOrder: 'quantity', limit: 5 },
];

const sum = (rows: BreakdownRow[], pick: (r: BreakdownRow) => number) => rows.reduce((s, r) => s + pick(r), 0);

/**
 * Every breakdown from the sandbox's ShopifyQL and from the orders (paged once per window, grouped by the same code
 * the node's paging path runs) agree row by row to the cent, in three time zones; the sandbox's ShopifyQL is checked
 * against its raw orders in sandbox/src/shopify/shopifyql.test.ts, and the totals here against revenue / summary.
 */
describe.each(['Etc/UTC', 'America/New_York', 'Asia/Kolkata'])('sales breakdowns, shop in %s', (timeZone) => {
  let sandbox: TestSandbox;
  let shopify: ShopifyGraphql;
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      shopifyStore: { timeZone },
      shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    shopify = client(sandbox, String(sandbox.credentials.shopify.accessToken));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it.each<PeriodName>(['yesterday', 'last_7_days', 'last_month', 'last_90_days'])(
    '%s: ShopifyQL and the orders agree on every breakdown',
    async (period) => {
      const range = resolvePeriod({ period, timeZone });
      const orders = await sandbox.shopifyAll<BreakdownOrder>(
        BREAKDOWN_ORDERS_QUERY.replace('$first: Int!', `$first: Int = ${pageSizeFor(BREAKDOWN_ORDER_NODE_COST)}`),
        { query: touchedOrdersQuery(range) },
        (data) => data.orders,
      );
      const summary = await runNodeForOutput({
        type: 'ionfluxShopify',
        parameters: { options: {}, resource: 'revenue', operation: 'summary', period },
        credentials: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
      });
      expect(summary.source).toBe('shopifyql');
      for (const options of BREAKDOWNS) {
        const viaShopifyql = await breakdownFromShopifyql({ shopify, range, ...options });
        const viaOrders = breakdownOfOrders({ orders, range, ...options });
        expect({ options, rows: viaOrders }).toEqual({ options, rows: viaShopifyql.rows });
        if (options.limit) {
          expect(viaOrders.length).toBe(options.limit);
          continue;
        }
        const rows = viaOrders;
        // Every breakdown adds up to the period's summary. Products: their lines' taxes add up to the period's taxes
        // (the sandbox charges no tax on shipping, so an order's taxes are all on its lines), and no product has shipping.
        expect(sum(rows, (r) => r.totals.grossSales - r.totals.discounts - r.totals.returns)).toBe(cents(summary.net));
        if (options.breakdown === 'product') {
          expect(sum(rows, (r) => r.totals.taxes)).toBe(cents(summary.taxes));
          expect(rows.every((r) => r.totals.shippingCharges === 0)).toBe(true);
          expect(rows.filter((r) => r.totals.taxes > 0).length).toBeGreaterThan(rows.length / 2);
        } else {
          expect(sum(rows, (r) => r.totals.orders)).toBe(summary.orders);
          expect(sum(rows, (r) => r.totals.returns)).toBe(cents(summary.refunded));
          expect(sum(rows, (r) => r.totals.taxes + r.totals.shippingCharges)).toBe(
            cents(summary.taxes) + cents(summary.shipping),
          );
        }
      }
      if (period === 'last_90_days') {
        const channels = breakdownOfOrders({ orders, range, breakdown: 'channel' });
        expect(channels.map((c) => c.key)).toEqual(expect.arrayContaining(['Online Store', 'Point of Sale']));
        const products = breakdownOfOrders({ orders, range, breakdown: 'product' });
        expect(products.filter((p) => p.totals.returns > 0).length).toBeGreaterThan(3);
        expect(orders.some((o) => o.cancelledAt !== null)).toBe(true);
        const weeks = breakdownOfOrders({ orders, range, breakdown: 'week' });
        expect(weeks.length).toBeGreaterThanOrEqual(13);
      }
    },
    // Paging a quarter of orders takes a while on a loaded machine.
    180_000,
  );
});

describe('sales breakdown operations', () => {
  let sandbox: TestSandbox;
  let withoutReports: ICredentialDataDecryptedObject;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
    withoutReports = { ...sandbox.credentials.shopify, accessToken: await sandbox.shopifyTokenWithScopes(READ_SCOPES) };
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const run = (credentials: ICredentialDataDecryptedObject, parameters: IDataObject) =>
    runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { options: {}, resource: 'revenue', ...parameters },
      credentials: { ionfluxShopifyAccessTokenApi: credentials },
    });
  const figures = (output: IDataObject) => {
    const { source: _source, apiCalls: _calls, costPoints: _cost, ...rest } = output;
    return rest;
  };

  it.each<IDataObject>([
    { operation: 'series', interval: 'week', period: 'last_30_days' },
    { operation: 'series', interval: 'month', period: 'last_month' },
    { operation: 'byChannel', period: 'last_7_days' },
    { operation: 'byProduct', sortBy: 'netSales', limit: 20, period: 'last_7_days' },
    { operation: 'topProducts', rankBy: 'quantity', limit: 5, period: 'last_7_days' },
  ])(
    '%o: the same output from ShopifyQL and, without read_reports, from paging',
    async (parameters) => {
      const viaShopifyql = await run(sandbox.credentials.shopify, parameters);
      const viaOrders = await run(withoutReports, parameters);
      expect(viaShopifyql.source).toBe('shopifyql');
      expect(viaShopifyql.apiCalls).toBe(2);
      expect(viaOrders.source).toBe('orders');
      expect(viaOrders.apiCalls as number).toBeGreaterThan(2);
      expect(figures(viaOrders)).toEqual(figures(viaShopifyql));
    },
    180_000,
  );

  it('top products by net sales are the head of the products by net sales, and each adds up', async () => {
    const top = await run(sandbox.credentials.shopify, { operation: 'topProducts', period: 'last_30_days' });
    const all = await run(sandbox.credentials.shopify, {
      operation: 'byProduct',
      sortBy: 'netSales',
      period: 'last_30_days',
    });
    const products = top.products as IDataObject[];
    expect(products).toHaveLength(10);
    expect(products).toEqual((all.products as IDataObject[]).slice(0, 10));
    for (const p of products) {
      expect(cents(p.net)).toBe(cents(p.grossSales) - cents(p.discounts) - cents(p.refunded));
      expect(cents(p.total)).toBe(cents(p.net) + cents(p.taxes));
      expect(p).not.toHaveProperty('shipping');
      expect(p.productId).toMatch(/^gid:\/\/shopify\/Product\/\d+$/);
    }
    const nets = products.map((p) => Number(p.net));
    expect(nets).toEqual([...nets].sort((a, b) => b - a));
  });

  it("a ShopifyQL parse error fails the item quoting the query and Shopify's message", async () => {
    // A Shopify that does not know product_id: the query reaches the sandbox with the column renamed (the node's
    // error quotes the query it sent).
    const proxy = await startLocalServer(async (request, response) => {
      const body = JSON.parse(request.body) as { query: string; variables?: { query?: string } };
      if (body.query.includes('shopifyqlQuery') && body.variables?.query)
        body.variables.query = body.variables.query.replace(/product_id/g, 'product_code');
      const upstream = await fetch(`${sandbox.url}${request.url}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Access-Token': String(request.headers['x-shopify-access-token']),
        },
        body: JSON.stringify(body),
      });
      sendJson(response, upstream.status, await upstream.json());
    });
    try {
      const result = await runNode({
        type: 'ionfluxShopify',
        parameters: { options: {}, resource: 'revenue', operation: 'topProducts', period: 'last_7_days' },
        credentials: {
          ionfluxShopifyAccessTokenApi: { ...sandbox.credentials.shopify, baseUrl: `${proxy.url}/sandbox/shopify` },
        },
      });
      expect(result.error?.message).toMatch(
        /^Shopify could not run the ShopifyQL query "FROM sales SHOW product_title, .* GROUP BY product_id, product_title SINCE \d{4}-\d{2}-\d{2} UNTIL \d{4}-\d{2}-\d{2} ORDER BY net_sales DESC, product_id ASC LIMIT 10": Cannot group table 'sales' by 'product_code' at line 1, column \d+$/,
      );
      expect(result.error?.description).toMatch(/shopify.dev\/docs\/api\/shopifyql/);
    } finally {
      await proxy.close();
    }
  });

  it('a bad interval fails the item naming the parameter', async () => {
    const result = await runNode({
      type: 'ionfluxShopify',
      parameters: { options: {}, resource: 'revenue', operation: 'series', interval: 'hour' },
      credentials: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
    });
    expect(result.error?.message).toBe('Parameter "interval" must be one of "day", "week", "month", but got "hour".');
  });
});
