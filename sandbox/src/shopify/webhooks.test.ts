import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';
import { shapeMismatches } from '../shared/shape';
import { generateStore } from './store';
import type { StoreOrder } from './store';
import { isLoopbackUrl, signShopifyWebhook, toShopifyOrderWebhook, verifyShopifyWebhook } from './webhooks';

const SECRET = 'test-app-secret';
const received: { headers: IncomingHttpHeaders; body: string; path: string }[] = [];
let receiver: Server;
let receiverUrl: string;
let sandbox: SandboxServer;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, path: req.url ?? '' });
      // What a local service might answer (an access token, say): it must never come back through the sandbox.
      res.writeHead(req.url === '/fail' ? 500 : 200).end('{"accessToken":"SECRET-REPLY-BODY"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sandbox = await startSandboxServer({ seed: 42, now: '2026-02-01', shopifyAppSecret: SECRET });
});
afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function post(path: string, body: unknown) {
  const response = await fetch(`${sandbox.url}/sandbox/shopify${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('webhook signing', () => {
  it('signs the raw body with base64 HMAC-SHA256 and verifies in constant time', () => {
    const body = '{"id":820982911946154508,"email":"jon@example.com"}';
    const expected = createHmac('sha256', 'hush').update(body, 'utf8').digest('base64');
    expect(signShopifyWebhook(body, 'hush')).toBe(expected);
    expect(verifyShopifyWebhook(body, expected, 'hush')).toBe(true);
    expect(verifyShopifyWebhook(Buffer.from(body), expected, 'hush')).toBe(true);
    expect(verifyShopifyWebhook(`${body} `, expected, 'hush')).toBe(false);
    expect(verifyShopifyWebhook(body, expected, 'other')).toBe(false);
    expect(verifyShopifyWebhook(body, undefined, 'hush')).toBe(false);
    expect(verifyShopifyWebhook(body, 'not base64!', 'hush')).toBe(false);
  });

  it('converts orders to the documented REST payload shape (contract)', () => {
    const store = generateStore(42, '2026-02-01');
    const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'orders-create-webhook.json'), 'utf8'));
    const withDiscount = store
      .orders()
      .find((o) => o.discountCodes.length > 0 && o.customerLegacyId !== null && o.taxCents > 0)!;
    const payload = toShopifyOrderWebhook(withDiscount, { customer: store.customer(withDiscount.customerLegacyId!)! });
    expect(shapeMismatches(payload, fixture)).toEqual([]);
    expect(payload.total_price).toMatch(/^\d+\.\d{2}$/);
    expect(payload.order_number).toBe(withDiscount.number);
    expect(payload.name).toBe(`#${withDiscount.number}`);
    expect(Number(payload.total_price)).toBeCloseTo(
      Number(payload.subtotal_price) +
        Number(payload.total_tax) +
        Number(payload.total_shipping_price_set.shop_money.amount),
      2,
    );
  });

  it('only allows loopback addresses', () => {
    expect(isLoopbackUrl('http://127.0.0.1:8080/hook')).toBe(true);
    expect(isLoopbackUrl('http://localhost/hook')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:9000/')).toBe(true);
    expect(isLoopbackUrl('https://example.com/hook')).toBe(false);
    expect(isLoopbackUrl('http://10.0.0.5/hook')).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.1.example.com/')).toBe(false);
    expect(isLoopbackUrl('file:///etc/passwd')).toBe(false);
  });
});

async function graphql(query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as any;
}

async function subscribe(uri: string, topic = 'ORDERS_CREATE') {
  const created = await graphql(
    'mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id } userErrors { message } } }',
    { topic, sub: { uri, format: 'JSON' } },
  );
  expect(created.data.webhookSubscriptionCreate.userErrors).toEqual([]);
  return created.data.webhookSubscriptionCreate.webhookSubscription.id as string;
}

describe('webhook delivery', () => {
  let sampleOrder: StoreOrder;
  beforeAll(async () => {
    // Generated before any request: seconds of synchronous work between two requests on one keep-alive connection
    // can outlast the server's keep-alive timeout, and the second request then meets a closed socket.
    sampleOrder = generateStore(42, '2026-02-01').orders()[100]!;
    await subscribe(`${receiverUrl}/hooks`);
    await subscribe(`${receiverUrl}/fail`);
  });

  it('POSTs a signed orders/create payload with Shopify headers', async () => {
    received.length = 0;
    const order = sampleOrder;
    const { status, body } = await post('/webhooks/deliver', {
      topic: 'orders/create',
      address: `${receiverUrl}/hooks`,
      orderId: `gid://shopify/Order/${order.legacyId}`,
    });
    expect(status).toBe(200);
    expect(body.delivery).toMatchObject({ delivered: true, status: 200, topic: 'orders/create' });
    const hit = received[0]!;
    expect(hit.headers['x-shopify-topic']).toBe('orders/create');
    expect(hit.headers['x-shopify-shop-domain']).toBe('ionflux-demo.myshopify.com');
    expect(hit.headers['x-shopify-api-version']).toBe('2025-10');
    expect(hit.headers['x-shopify-webhook-id']).toBe(body.delivery.webhookId);
    expect(hit.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(hit.headers['x-shopify-triggered-at']))).not.toBeNaN();
    expect(verifyShopifyWebhook(hit.body, String(hit.headers['x-shopify-hmac-sha256']), SECRET)).toBe(true);
    const payload = JSON.parse(hit.body);
    expect(payload.id).toBe(order.legacyId);
    expect(payload.admin_graphql_api_id).toBe(`gid://shopify/Order/${order.legacyId}`);
  });

  it('reports failed deliveries by status only, and refuses non-loopback targets', async () => {
    const failed = await post('/webhooks/deliver', { topic: 'orders/create', address: `${receiverUrl}/fail` });
    expect(failed.body.delivery).toMatchObject({ delivered: false, status: 500 });
    const remote = await post('/webhooks/deliver', { topic: 'orders/create', address: 'https://example.com/hook' });
    expect(remote.status).toBe(400);
    const badTopic = await post('/webhooks/deliver', { topic: 'carts/create', address: `${receiverUrl}/hooks` });
    expect(badTopic.status).toBe(400);
    const missing = await post('/webhooks/deliver', {
      topic: 'orders/create',
      address: `${receiverUrl}/hooks`,
      orderId: 'gid://shopify/Order/1',
    });
    expect(missing.status).toBe(404);
  });

  it("never returns the target's reply body", async () => {
    const { status, body } = await post('/webhooks/deliver', {
      topic: 'orders/create',
      address: `${receiverUrl}/hooks`,
    });
    expect(status).toBe(200);
    expect(body.delivery).toMatchObject({ delivered: true, status: 200 });
    expect(body.delivery).not.toHaveProperty('responseBody');
    expect(JSON.stringify(body)).not.toContain('SECRET-REPLY-BODY');
  });

  it('delivers only to addresses subscribed with webhookSubscriptionCreate (every spelling of loopback refused)', async () => {
    received.length = 0;
    const port = new URL(receiverUrl).port;
    const sandboxPort = new URL(sandbox.url).port;
    const unsubscribed = [
      `${receiverUrl}/other`,
      `http://127.1:${port}/other`,
      `http://0x7f000001:${port}/other`,
      `http://2130706433:${port}/other`,
      `http://localhost:${port}/hooks`,
      `${receiverUrl}/hooks?x=1`,
      // The classic: the server's own endpoints.
      `http://127.1:${sandboxPort}/sandbox/control/faults`,
    ];
    for (const address of unsubscribed) {
      const refused = await post('/webhooks/deliver', { topic: 'orders/create', address });
      expect({ address, status: refused.status, field: refused.body.errors?.[0]?.field }).toEqual({
        address,
        status: 400,
        field: 'address',
      });
    }
    // Subscribed for orders/create only: another topic to the same address is refused too.
    const otherTopic = await post('/webhooks/deliver', { topic: 'orders/paid', address: `${receiverUrl}/hooks` });
    expect(otherTopic.status).toBe(400);
    // Sentinel: a delivery that must arrive, after all of the above; only it reached the receiver.
    expect((await post('/webhooks/deliver', { topic: 'orders/create', address: `${receiverUrl}/hooks` })).status).toBe(
      200,
    );
    expect(received.map((r) => r.path)).toEqual(['/hooks']);
  });

  it('fires orders/create to subscriptions made with webhookSubscriptionCreate when a $150 order is created', async () => {
    received.length = 0;
    const gql = async (query: string, variables: Record<string, unknown>) =>
      (
        await fetch(`${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken,
          },
          body: JSON.stringify({ query, variables }),
        })
      ).json() as Promise<any>;
    const mutation =
      'mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id topic uri format } userErrors { field message } } }';
    const created = await gql(mutation, {
      topic: 'ORDERS_CREATE',
      sub: { uri: `${receiverUrl}/sentinel`, format: 'JSON' },
    });
    expect(created.data.webhookSubscriptionCreate.userErrors).toEqual([]);
    expect(created.data.webhookSubscriptionCreate.webhookSubscription).toMatchObject({
      topic: 'ORDERS_CREATE',
      uri: `${receiverUrl}/sentinel`,
      format: 'JSON',
    });
    const remote = await gql(mutation, { topic: 'ORDERS_CREATE', sub: { uri: 'https://example.com/hook' } });
    expect(remote.data.webhookSubscriptionCreate.webhookSubscription).toBeNull();
    expect(remote.data.webhookSubscriptionCreate.userErrors[0].field).toEqual(['webhookSubscription', 'uri']);

    const { status, body } = await post('/control/orders', { total: '150.00', email: 'vip@example.com' });
    expect(status).toBe(201);
    expect(body.order.totalPrice).toBe('150.00');
    // Every orders/create subscription got it (the two of the delivery tests, and this one).
    expect(body.deliveries.map((d: { address: string }) => new URL(d.address).pathname).sort()).toEqual([
      '/fail',
      '/hooks',
      '/sentinel',
    ]);
    expect(body.deliveries.find((d: { address: string }) => d.address.endsWith('/sentinel'))).toMatchObject({
      delivered: true,
      topic: 'orders/create',
    });
    const hit = received.find((r) => r.path === '/sentinel')!;
    const payload = JSON.parse(hit.body);
    expect(payload.total_price).toBe('150.00');
    expect(payload.email).toBe('vip@example.com');
    expect(verifyShopifyWebhook(hit.body, String(hit.headers['x-shopify-hmac-sha256']), SECRET)).toBe(true);

    const listed = await gql(
      '{ orders(first: 1, reverse: true) { nodes { id totalPriceSet { shopMoney { amount } } } } }',
      {},
    );
    expect(listed.data.orders.nodes[0]).toEqual({
      id: body.order.id,
      totalPriceSet: { shopMoney: { amount: '150.0' } },
    });

    const deleted = await gql(
      'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }',
      { id: created.data.webhookSubscriptionCreate.webhookSubscription.id },
    );
    expect(deleted.data.webhookSubscriptionDelete.deletedWebhookSubscriptionId).toBe(
      created.data.webhookSubscriptionCreate.webhookSubscription.id,
    );
  });

  it('validates control order input', async () => {
    expect((await post('/control/orders', { total: 'lots' })).status).toBe(400);
    expect(
      (await post('/control/orders', { lineItems: [{ variantId: 'gid://shopify/ProductVariant/1', quantity: 1 }] }))
        .status,
    ).toBe(400);
    expect((await post('/control/orders', { email: 'not-an-email' })).status).toBe(400);
  });
});
