import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020';
import { triggerCatalog } from '@ionflux/dsl';
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';
import { webhookHarness } from '../test-support/n8n-harness';
import { startLocalServer } from '../test-support/local-server';
import type { LocalServer } from '../test-support/local-server';
import { startTestSandbox } from '../test-support/sandbox';
import type { TestSandbox } from '../test-support/sandbox';
import { shopifyWebhookSignature } from './webhook-signature';

let sandbox: TestSandbox;
let receiver: LocalServer;
/** What each trigger emitted, by webhook path. */
const emitted = new Map<string, IDataObject[]>();
const harnesses = new Map<string, ReturnType<typeof webhookHarness>>();

beforeAll(async () => {
  sandbox = await startTestSandbox();
  // Plays n8n's webhook server: raw body kept (as n8n keeps it), the node's webhook() decides the answer.
  receiver = await startLocalServer(async (request, response) => {
    const path = new URL(request.url, 'http://x').pathname.replace(/^\/webhook\//, '');
    const harness = harnesses.get(path);
    if (!harness) {
      response.statusCode = 404;
      return response.end();
    }
    const req = {
      headers: request.headers,
      rawBody: Buffer.from(request.body, 'utf8'),
      body: request.body ? JSON.parse(request.body) : {},
    };
    const result = (await harness.nodeType.webhook!.call(
      harness.webhookContext(req, response),
    )) as IWebhookResponseData;
    if (result.workflowData)
      emitted.set(path, [...(emitted.get(path) ?? []), ...result.workflowData[0]!.map((item) => item.json)]);
    if (!result.noWebhookResponse) {
      // What n8n 2.41 answers for an `onReceived` webhook whose node sets no `responseData`: the literal text.
      response.statusCode = 200;
      response.end('firstEntryJson');
    }
  });
});
afterAll(async () => {
  await Promise.all([sandbox.close(), receiver.close()]);
});

function trigger(topic: string, credentials: IDataObject = sandbox.credentials.shopify) {
  const harness = webhookHarness({
    type: 'ionfluxShopifyTrigger',
    parameters: { topic },
    credentials: { ionfluxShopifyAccessTokenApi: credentials as never },
    webhookBaseUrl: `${receiver.url}/webhook`,
  });
  harnesses.set(harness.webhook.path, harness);
  return harness;
}

async function subscriptions(): Promise<{ id: string; topic: string; uri: string }[]> {
  const { body } = await sandbox.shopifyGraphql('{ webhookSubscriptions(first: 50) { nodes { id topic uri } } }');
  return body.data.webhookSubscriptions.nodes;
}

const methods = (harness: ReturnType<typeof webhookHarness>) => harness.nodeType.webhookMethods!.default!;

describe('IONFLUX Shopify Trigger', () => {
  it('subscribes through webhookSubscriptionCreate, receives the signed orders/create webhook and emits { topic, shop, order }', async () => {
    const created = trigger('orders/create');
    const url = created.hookContext().getNodeWebhookUrl('default');
    expect(url).toBe(created.url);
    expect(await methods(created).checkExists.call(created.hookContext())).toBe(false);
    expect(await methods(created).create.call(created.hookContext())).toBe(true);
    expect(await methods(created).checkExists.call(created.hookContext())).toBe(true);
    expect(await subscriptions()).toEqual([
      { id: expect.stringMatching(/^gid:\/\/shopify\/WebhookSubscription\/\d+$/), topic: 'ORDERS_CREATE', uri: url },
    ]);

    // A $150 order placed on the storefront: Shopify signs and delivers orders/create to the subscription.
    const response = await fetch(`${sandbox.url}/sandbox/shopify/control/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ total: '150.00' }),
    });
    const placed = (await response.json()) as {
      webhook: IDataObject;
      deliveries: { delivered: boolean; status: number; topic: string }[];
    };
    expect(placed.deliveries).toEqual([
      expect.objectContaining({ topic: 'orders/create', delivered: true, status: 200 }),
    ]);
    const items = emitted.get(created.webhook.path)!;
    expect(items).toEqual([{ topic: 'orders/create', shop: 'ionflux-demo.myshopify.com', order: placed.webhook }]);
    expect((items[0]!.order as IDataObject).total_price).toBe('150.00');

    // The item is what the agent's `trigger` is typed as.
    const validate = new Ajv2020({ strict: false }).compile(triggerCatalog['shopify.order'].payload);
    expect(validate(items[0])).toBe(true);
  });

  it('answers 401 and starts nothing when the signature is missing, wrong or for another body', async () => {
    const created = [...harnesses.values()].find((h) => h.node.parameters.topic === 'orders/create')!;
    const before = emitted.get(created.webhook.path)?.length ?? 0;
    const body = JSON.stringify({ id: 1, name: '#1', total_price: '1.00' });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(created.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Shopify-Topic': 'orders/create', ...headers },
        body: payload,
      });
    const secret = String(sandbox.credentials.shopify.appSecret);
    expect((await post({})).status).toBe(401);
    expect((await post({ 'X-Shopify-Hmac-Sha256': shopifyWebhookSignature(body, 'not-the-secret') })).status).toBe(401);
    expect(
      (await post({ 'X-Shopify-Hmac-Sha256': shopifyWebhookSignature(body, secret) }, body.replace('1.00', '9999.00')))
        .status,
    ).toBe(401);
    const refused = await post({ 'X-Shopify-Hmac-Sha256': 'garbage' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'Invalid webhook signature (X-Shopify-Hmac-Sha256).' });
    expect(emitted.get(created.webhook.path)?.length ?? 0).toBe(before);

    // Correctly signed: accepted, with a JSON acknowledgement.
    const accepted = await post({
      'X-Shopify-Hmac-Sha256': shopifyWebhookSignature(body, secret),
      'X-Shopify-Shop-Domain': 'ionflux-demo.myshopify.com',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await accepted.json()).toEqual({ received: true, topic: 'orders/create' });
    expect(emitted.get(created.webhook.path)!.at(-1)).toEqual({
      topic: 'orders/create',
      shop: 'ionflux-demo.myshopify.com',
      order: JSON.parse(body),
    });
  });

  it('acknowledges a signed webhook of another topic without starting the workflow', async () => {
    const created = [...harnesses.values()].find((h) => h.node.parameters.topic === 'orders/create')!;
    const before = emitted.get(created.webhook.path)!.length;
    const body = JSON.stringify({ id: 2 });
    const response = await fetch(created.url, {
      method: 'POST',
      headers: {
        'X-Shopify-Topic': 'orders/paid',
        'X-Shopify-Hmac-Sha256': shopifyWebhookSignature(body, String(sandbox.credentials.shopify.appSecret)),
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ignored: true, reason: 'topic orders/paid is not orders/create' });
    expect(emitted.get(created.webhook.path)!.length).toBe(before);
  });

  it('handles other order topics (orders/updated delivered by Shopify for an existing order)', async () => {
    const updated = trigger('orders/updated');
    await methods(updated).create.call(updated.hookContext());
    const { body } = await sandbox.shopifyGraphql(
      '{ orders(first: 1, reverse: true, sortKey: CREATED_AT) { nodes { id legacyResourceId } } }',
    );
    const order = body.data.orders.nodes[0];
    const response = await fetch(`${sandbox.url}/sandbox/shopify/webhooks/deliver`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ topic: 'orders/updated', address: updated.url, orderId: order.id }),
    });
    expect(((await response.json()) as { delivery: { delivered: boolean } }).delivery.delivered).toBe(true);
    const [item] = emitted.get(updated.webhook.path)!;
    expect(item).toMatchObject({
      topic: 'orders/updated',
      shop: 'ionflux-demo.myshopify.com',
      order: { id: Number(order.legacyResourceId), admin_graphql_api_id: order.id },
    });
  });

  it('unsubscribes through webhookSubscriptionDelete when the workflow is deactivated', async () => {
    for (const harness of harnesses.values()) {
      expect(await methods(harness).delete.call(harness.hookContext())).toBe(true);
      expect(await methods(harness).checkExists.call(harness.hookContext())).toBe(false);
    }
    expect(await subscriptions()).toEqual([]);
    // Deleting again (already gone on Shopify's side) is not an error.
    const again = [...harnesses.values()][0]!;
    again.hookContext().getWorkflowStaticData('node').webhookSubscriptionId = 'gid://shopify/WebhookSubscription/1';
    expect(await methods(again).delete.call(again.hookContext())).toBe(true);
  });

  it('refuses every webhook when the credential has no app secret', async () => {
    const unsigned = trigger('orders/paid', { ...sandbox.credentials.shopify, appSecret: '' });
    const body = JSON.stringify({ id: 3 });
    const response = await fetch(unsigned.url, {
      method: 'POST',
      headers: { 'X-Shopify-Topic': 'orders/paid', 'X-Shopify-Hmac-Sha256': shopifyWebhookSignature(body, '') },
      body,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'The Shopify credential has no app secret, so the webhook signature cannot be verified.',
    });
    expect(emitted.get(unsigned.webhook.path)).toBeUndefined();
  });
});
