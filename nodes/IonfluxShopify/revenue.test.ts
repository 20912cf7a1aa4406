import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';
import { HttpClient } from '../shared/http/client';
import { credentialExchange } from '../test-support/credential-exchange';
import { runNodeForOutput } from '../test-support/n8n-harness';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';
import { ShopifyqlParseError, runShopifyql } from './sales';
import { ACCESS_TOKEN_CREDENTIAL, ShopifyGraphql } from './transport';

const READ_SCOPES = ['read_orders', 'read_all_orders', 'read_products', 'read_customers'];

/**
 * revenue / summary from ShopifyQL (the sandbox token has read_reports) and from paging orders (a token granted
 * only read scopes) must agree to the cent; the sandbox's ShopifyQL itself is checked against its raw orders in
 * sandbox/src/shopify/shopifyql.test.ts.
 */
describe.each(['Etc/UTC', 'America/New_York', 'Asia/Kolkata'])('revenue summary, shop in %s', (timeZone) => {
  let sandbox: TestSandbox;
  let withoutReports: ICredentialDataDecryptedObject;
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      shopifyStore: { timeZone },
      shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    withoutReports = { ...sandbox.credentials.shopify, accessToken: await sandbox.shopifyTokenWithScopes(READ_SCOPES) };
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const summary = (credentials: ICredentialDataDecryptedObject, parameters: IDataObject) =>
    runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { options: {}, resource: 'revenue', operation: 'summary', ...parameters },
      credentials: { ionfluxShopifyAccessTokenApi: credentials },
    });
  const figures = (output: IDataObject) => {
    const { source: _source, apiCalls: _calls, costPoints: _cost, ...rest } = output;
    return rest;
  };

  it.each(['yesterday', 'last_7_days', 'last_30_days', 'month_to_date', 'last_month'])(
    '%s: ShopifyQL and paging agree to the cent, in total and day by day',
    async (period) => {
      const viaShopifyql = await summary(sandbox.credentials.shopify, { period });
      const viaOrders = await summary(withoutReports, { period });
      expect(viaShopifyql.source).toBe('shopifyql');
      expect(viaOrders.source).toBe('orders');
      expect(figures(viaOrders)).toEqual(figures(viaShopifyql));
      expect(viaShopifyql.apiCalls).toBe(2);
      const daily = viaShopifyql.daily as { total: number; orders: number }[];
      expect(Math.round(daily.reduce((s, d) => s + d.total, 0) * 100)).toBe(
        Math.round(Number(viaShopifyql.total) * 100),
      );
      const t = viaShopifyql as Record<string, number>;
      expect(Math.round(t.net! * 100)).toBe(Math.round((t.grossSales! - t.discounts! - t.refunded!) * 100));
      expect(Math.round(t.total! * 100)).toBe(Math.round((t.net! + t.shipping! + t.taxes!) * 100));

      // The order count, independently: orders the sandbox lists as created in the period.
      const { body } = await sandbox.shopifyGraphql(
        'query($q: String) { ordersCount(query: $q, limit: null) { count } }',
        {
          q: `created_at:>='${viaShopifyql.from}' created_at:<'${viaShopifyql.to}'`,
        },
      );
      expect(viaShopifyql.orders).toBe(body.data.ordersCount.count);
      if (period !== 'yesterday') {
        expect(viaShopifyql.orders).toBeGreaterThan(100);
        expect(viaShopifyql.refunded).toBeGreaterThan(0);
      }
    },
  );
});

describe('revenue summary source', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('pages through orders for a custom period with a time of day (ShopifyQL ranges are whole days)', async () => {
    const today = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
    const from = new Date(today.getTime() - 3 * 86_400_000 + 9 * 3600_000).toISOString();
    const to = new Date(today.getTime() - 86_400_000 + 17 * 3600_000).toISOString();
    const output = await runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { options: {}, resource: 'revenue', operation: 'summary', period: 'custom', from, to },
      credentials: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
    });
    expect(output.source).toBe('orders');
    const { body } = await sandbox.shopifyGraphql(
      'query($q: String) { ordersCount(query: $q, limit: null) { count } }',
      {
        q: `created_at:>='${from}' created_at:<'${to}'`,
      },
    );
    expect(output.orders).toBe(body.data.ordersCount.count);
    expect((output.daily as unknown[]).length).toBe(3);
  });
});

describe('ShopifyQL errors', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const client = (accessToken: string) =>
    new ShopifyGraphql({
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
      node: { name: 'Revenue summary' } as INode,
      itemIndex: 0,
    });

  it("turns Shopify's parseErrors into an error quoting the query and every message", async () => {
    const shopify = client(String(sandbox.credentials.shopify.accessToken));
    const error = await runShopifyql(shopify, 'FROM sales SHOW total_salez DURING yesterday').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyqlParseError);
    expect((error as Error).message).toBe(
      `Shopify could not run the ShopifyQL query "FROM sales SHOW total_salez DURING yesterday": Unknown column 'total_salez' for table 'sales' at line 1, column 17`,
    );
    const ok = await runShopifyql(shopify, 'FROM sales SHOW orders DURING yesterday');
    expect(ok.columns).toEqual([{ name: 'orders', dataType: 'INTEGER' }]);
  });

  it('fails naming the missing scope when the token lacks read_reports', async () => {
    const shopify = client(await sandbox.shopifyTokenWithScopes(['read_orders']));
    await expect(runShopifyql(shopify, 'FROM sales SHOW orders DURING yesterday')).rejects.toThrow(
      /Access denied for shopifyqlQuery field. Required access: `read_reports` access scope/,
    );
  });
});
