import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IDataObject, INode } from 'n8n-workflow';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HttpClient } from '../shared/http/client';
import { credentialExchange } from '../test-support/credential-exchange';
import { runNode, runNodeForOutput } from '../test-support/n8n-harness';
import { startTestSandbox, startTestSandboxProcess } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';
import { exportRecords, exportSearch } from './export';
import type { ExportRecord } from './export';
import { ACCESS_TOKEN_CREDENTIAL, ShopifyGraphql } from './transport';

const DAY = 86_400_000;

/**
 * A full garbage collection, so that heapUsed is what is live. Without it the figure depends on when V8 chose to
 * collect (a CI run saw 95 MB of garbage not yet collected while the live heap stayed small).
 */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}
const cents = (amount: unknown) => Math.round(Number(amount) * 100);

function client(sandbox: TestSandbox): ShopifyGraphql {
  const accessToken = String(sandbox.credentials.shopify.accessToken);
  return new ShopifyGraphql({
    http: new HttpClient({
      rateLimitRetries: 8,
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
    node: { name: 'Export' } as INode,
    itemIndex: 0,
  });
}

describe('export: bulk operation and paging give the same records', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const run = (parameters: IDataObject) =>
    runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: { options: {}, resource: 'export', operation: 'run', ...parameters },
      credentials: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
    });

  it.each<[string, IDataObject]>([
    ['orders', { period: 'last_7_days' }],
    ['lineItems', { period: 'last_7_days' }],
    ['customers', { period: 'last_90_days' }],
    ['products', { period: 'custom', from: '2015-01-01', to: new Date(Date.now() + DAY).toISOString().slice(0, 10) }],
  ])(
    '%s of %o',
    async (data, window) => {
      const viaBulk = await run({ data, ...window, bulkThreshold: 0, limit: 10000 });
      const viaPaging = await run({ data, ...window, bulkThreshold: 1_000_000, limit: 10000 });
      expect(viaBulk.source).toBe('bulk');
      expect(viaBulk.bulkOperationId).toMatch(/^gid:\/\/shopify\/BulkOperation\/\d+$/);
      expect(viaBulk.fileSize as number).toBeGreaterThan(0);
      expect(viaPaging.source).toBe('paging');
      expect(viaPaging.bulkOperationId).toBeNull();
      const { source: _s1, bulkOperationId: _b1, fileSize: _f1, apiCalls: _a1, costPoints: _c1, ...bulk } = viaBulk;
      const { source: _s2, bulkOperationId: _b2, fileSize: _f2, apiCalls: _a2, costPoints: _c2, ...paging } = viaPaging;
      expect(bulk).toEqual(paging);
      expect(viaBulk.count as number).toBeGreaterThan(20);
      expect(viaBulk.truncated).toBe(false);
      const records = viaBulk.records as IDataObject[];
      expect(records).toHaveLength(viaBulk.count as number);
      // Every record was created in the period.
      const from = Date.parse(String(viaBulk.from));
      const to = Date.parse(String(viaBulk.to));
      for (const r of records) {
        const created = Date.parse(String(r.createdAt ?? r.orderCreatedAt));
        expect(created >= from && created < to).toBe(true);
      }
    },
    120_000,
  );

  it('orders: the count and the sum are the sandbox’s own (ordersCount, totalPriceSet of every order)', async () => {
    const output = await run({ data: 'orders', period: 'last_30_days', bulkThreshold: 0, limit: 3 });
    expect(output.source).toBe('bulk');
    expect(output.records).toHaveLength(3);
    expect(output.truncated).toBe(true);
    const search = exportSearch({ from: new Date(String(output.from)), to: new Date(String(output.to)) });
    const orders = await sandbox.shopifyAll<{ totalPriceSet: { shopMoney: { amount: string } } }>(
      'query($q: String, $after: String) { orders(first: 250, after: $after, query: $q) { nodes { totalPriceSet { shopMoney { amount } } } pageInfo { hasNextPage endCursor } } }',
      { q: search },
      (d) => d.orders,
    );
    expect(output.count).toBe(orders.length);
    expect(cents(output.amount)).toBe(orders.reduce((s, o) => s + cents(o.totalPriceSet.shopMoney.amount), 0));
  });

  it('a bad data kind fails the item naming the parameter', async () => {
    const result = await runNode({
      type: 'ionfluxShopify',
      parameters: { options: {}, resource: 'export', operation: 'run', data: 'refunds' },
      credentials: { ionfluxShopifyAccessTokenApi: sandbox.credentials.shopify },
    });
    expect(result.error?.message).toBe(
      'Parameter "data" must be one of "orders", "lineItems", "customers", "products", but got "refunds".',
    );
  });
});

describe('export of a large store', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    // In its own process: the heap measured below is then the export's alone, not the sandbox's making of the file.
    sandbox = await startTestSandboxProcess({
      shopifyStore: { orders: 200_000, historyDays: 730 },
      shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    // The store is generated on its first request: before the export, as a long-running store would be.
    await sandbox.shopifyGraphql('{ ordersCount(limit: null) { count } }');
  }, 600_000);
  afterAll(async () => {
    await sandbox.close();
  });

  it('streams a bulk export of a year of line items without holding the file', async () => {
    const shopify = client(sandbox);
    const now = Date.now();
    const range = { from: new Date(now - 365 * DAY), to: new Date(now + DAY) };
    let count = 0;
    let quantity = 0;
    let baseline = 0;
    let peak = 0;
    let samples = 0;
    let lastOrder = '';
    let ordered = true;
    const result = await exportRecords({
      shopify,
      node: { name: 'Export' } as INode,
      itemIndex: 0,
      resource: 'lineItems',
      range,
      bulkThreshold: 0,
      onRecord: (record: ExportRecord) => {
        if (count === 0) {
          collectGarbage();
          baseline = process.memoryUsage().heapUsed;
        }
        count++;
        quantity += Number(record.quantity);
        // Grouped JSONL: the lines of an order come together, after it.
        if (record.orderId !== lastOrder) {
          if (record.orderName === null) ordered = false;
          lastOrder = String(record.orderId);
        }
        // The live heap after a full collection: holding the file (or its parsed lines) would show here.
        if (count % 25_000 === 0) {
          collectGarbage();
          samples++;
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      },
    });
    expect(result.source).toBe('bulk');
    expect(ordered).toBe(true);
    expect(result.totals.count).toBe(count);
    // The whole file would be a string of its size (plus the parsed lines); the stream holds a few chunks and the
    // current line (measured: under 1 MB live).
    const fileSize = result.bulkOperation!.fileSize!;
    expect(fileSize).toBeGreaterThan(64 * 1024 * 1024);
    expect(samples).toBeGreaterThan(3);
    expect(peak).toBeLessThan(16 * 1024 * 1024);

    // Independently, from the paginated API: the orders of the period and the quantities of their lines.
    const orders = await sandbox.shopifyAll<{ subtotalLineItemsQuantity: number }>(
      'query($q: String, $after: String) { orders(first: 250, after: $after, query: $q, sortKey: CREATED_AT) { nodes { subtotalLineItemsQuantity } pageInfo { hasNextPage endCursor } } }',
      { q: exportSearch(range) },
      (d) => d.orders,
    );
    expect(orders.length).toBeGreaterThan(80_000);
    expect(result.matched).toBe(orders.length);
    expect(result.bulkOperation!.objectCount).toBe(orders.length + count);
    expect(quantity).toBe(orders.reduce((s, o) => s + o.subtotalLineItemsQuantity, 0));
  }, 900_000);
});
