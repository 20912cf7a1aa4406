import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';
import { verifyShopifyWebhook } from './webhooks';

const SECRET = 'bulk-app-secret';
let sandbox: SandboxServer;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const waiters: (() => void)[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bulk-finished`;
  sandbox = await startSandboxServer({
    seed: 42,
    now: '2026-02-01',
    shopifyAppSecret: SECRET,
    shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
  });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as any;
}

const RUN = `mutation($query: String!) { bulkOperationRunQuery(query: $query) {
  bulkOperation { id status } userErrors { field message code } } }`;
const STATUS = `query($id: ID!) { node(id: $id) { ... on BulkOperation {
  id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt query } } }`;

async function runToEnd(query: string) {
  const started = await graphql(RUN, { query });
  const operation = started.data.bulkOperationRunQuery.bulkOperation;
  const seen: string[] = [];
  for (;;) {
    const { data } = await graphql(STATUS, { id: operation.id });
    seen.push(data.node.status);
    if (!['CREATED', 'RUNNING'].includes(data.node.status)) return { started, final: data.node, seen };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('bulk query operations', () => {
  it('runs in the background, then serves JSONL with nested objects after their parent (__parentId) and calls the finish webhook', async () => {
    const subscribed = await graphql(
      `
        mutation ($uri: String!) {
          webhookSubscriptionCreate(topic: BULK_OPERATIONS_FINISH, webhookSubscription: { uri: $uri, format: JSON }) {
            webhookSubscription {
              id
              topic
            }
            userErrors {
              message
            }
          }
        }
      `,
      { uri: receiverUrl },
    );
    expect(subscribed.data.webhookSubscriptionCreate.userErrors).toEqual([]);
    const webhook = new Promise<void>((resolve) => waiters.push(resolve));

    const search = "created_at:>='2026-01-20T00:00:00Z' created_at:<'2026-01-25T00:00:00Z'";
    const query = `{ orders(query: ${JSON.stringify(search)}) { edges { node { id name totalPriceSet { shopMoney { amount } } lineItems { edges { node { id quantity } } } } } } }`;
    const { started, final, seen } = await runToEnd(query);
    expect(started.data.bulkOperationRunQuery.userErrors).toEqual([]);
    expect(started.data.bulkOperationRunQuery.bulkOperation.status).toBe('CREATED');
    expect(seen[0]).toMatch(/^(CREATED|RUNNING)$/);
    expect(final.status).toBe('COMPLETED');
    expect(final.query).toBe(query);

    // The same orders and lines from the paginated API (the independent source).
    const expected: { id: string; name: string; amount: string; lines: { id: string; quantity: number }[] }[] = [];
    let after: string | null = null;
    do {
      const { data } = await graphql(
        `
          query ($q: String, $after: String) {
            orders(first: 50, after: $after, query: $q, sortKey: CREATED_AT) {
              nodes {
                id
                name
                totalPriceSet {
                  shopMoney {
                    amount
                  }
                }
                lineItems(first: 10) {
                  nodes {
                    id
                    quantity
                  }
                }
              }
              pageInfo {
                hasNextPage
                endCursor
              }
            }
          }
        `,
        { q: search, after },
      );
      for (const o of data.orders.nodes)
        expected.push({ id: o.id, name: o.name, amount: o.totalPriceSet.shopMoney.amount, lines: o.lineItems.nodes });
      after = data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null;
    } while (after);
    expect(expected.length).toBeGreaterThan(100);

    const download = await fetch(final.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^application\/jsonl/);
    const text = await download.text();
    expect(Buffer.byteLength(text)).toBe(Number(final.fileSize));
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const lineCount = expected.reduce((s, o) => s + o.lines.length, 0);
    expect(Number(final.rootObjectCount)).toBe(expected.length);
    expect(Number(final.objectCount)).toBe(expected.length + lineCount);
    expect(lines).toEqual(
      expected.flatMap((o) => [
        { id: o.id, name: o.name, totalPriceSet: { shopMoney: { amount: o.amount } } },
        ...o.lines.map((l) => ({ ...l, __parentId: o.id })),
      ]),
    );

    await webhook;
    const delivery = received.at(-1)!;
    expect(delivery.headers['x-shopify-topic']).toBe('bulk_operations/finish');
    expect(verifyShopifyWebhook(delivery.body, delivery.headers['x-shopify-hmac-sha256'] as string, SECRET)).toBe(true);
    expect(JSON.parse(delivery.body)).toEqual({
      admin_graphql_api_id: final.id,
      completed_at: final.completedAt,
      created_at: final.createdAt,
      error_code: null,
      status: 'completed',
      type: 'query',
    });
    const current = await graphql('{ currentBulkOperation { id status url } }');
    expect(current.data.currentBulkOperation).toEqual({ id: final.id, status: 'COMPLETED', url: final.url });
  });

  it("refuses a second bulk query while one runs, and queries that break Shopify's rules", async () => {
    const big = `{ products { edges { node { id title variants { edges { node { id sku } } } } } } }`;
    const first = await graphql(RUN, { query: big });
    const second = await graphql(RUN, { query: big });
    expect(second.data.bulkOperationRunQuery).toEqual({
      bulkOperation: null,
      userErrors: [
        {
          field: null,
          code: 'OPERATION_IN_PROGRESS',
          message: `A bulk query operation for this app and shop is already in progress: ${first.data.bulkOperationRunQuery.bulkOperation.id}.`,
        },
      ],
    });
    for (;;) {
      const { data } = await graphql('{ currentBulkOperation { status } }');
      if (data.currentBulkOperation.status === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const invalid = async (query: string) => (await graphql(RUN, { query })).data.bulkOperationRunQuery;
    expect((await invalid('{ shop { name } }')).userErrors).toEqual([
      { field: ['query'], code: 'INVALID', message: 'Bulk queries must contain at least one connection.' },
    ]);
    expect((await invalid('{ orders { edges { node { id nam } } } }')).userErrors[0].message).toMatch(
      /^Invalid bulk query: Cannot query field "nam" on type "Order"/,
    );
    expect(
      (
        await invalid(
          '{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }',
        )
      ).userErrors[0].message,
    ).toBe('Bulk queries cannot contain connections with a nesting depth greater than 2 (lineItems).');
    // Refused queries start nothing: the completed operation is still the current one.
    const current = await graphql('{ currentBulkOperation { id status } }');
    expect(current.data.currentBulkOperation).toEqual({
      id: first.data.bulkOperationRunQuery.bulkOperation.id,
      status: 'COMPLETED',
    });
  });

  it('serves a file only at its exact URL', async () => {
    const { final } = await runToEnd('{ products(query: "status:active") { edges { node { id } } } }');
    expect((await fetch(final.url)).status).toBe(200);
    const forged = final.url.replace(/[0-9a-f]{32}\.jsonl$/, `${'0'.repeat(32)}.jsonl`);
    expect((await fetch(forged)).status).toBe(404);
  });
});
