/**
 * Webhook subscriptions of the trigger, through the Admin GraphQL API (`webhookSubscriptions`,
 * `webhookSubscriptionCreate`, `webhookSubscriptionDelete`), used by the node's webhookMethods when n8n activates
 * or deactivates the workflow.
 */
import { NodeApiError } from 'n8n-workflow';
import type { IHookFunctions, JsonObject } from 'n8n-workflow';
import { HttpClient } from '../shared/http/client';
import { shopifyConnection, shopifyExchange, ShopifyGraphql } from '../IonfluxShopify/transport';

export const ORDER_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
] as const;
export type OrderTopic = (typeof ORDER_TOPICS)[number];

/** `orders/create` -> `ORDERS_CREATE` (the GraphQL WebhookSubscriptionTopic). */
export function graphqlTopic(topic: string): string {
  return topic.toUpperCase().replace('/', '_');
}

interface UserError {
  field: string[] | null;
  message: string;
}

async function client(ctx: IHookFunctions): Promise<ShopifyGraphql> {
  const connection = await shopifyConnection(ctx);
  // Activation runs outside any item: a fixed deadline and the same rate-limit waits as the action node.
  const http = new HttpClient({
    timeoutMs: 60_000,
    retries: 2,
    retryDelayMs: 1000,
    rateLimitRetries: 8,
    exchange: shopifyExchange(ctx, connection),
  });
  return new ShopifyGraphql({ http, connection, node: ctx.getNode(), itemIndex: 0 });
}

function userErrorFailure(ctx: IHookFunctions, what: string, errors: UserError[]): NodeApiError {
  const detail = errors.map((e) => `${e.field?.join('.') ?? 'input'}: ${e.message}`).join('; ');
  return new NodeApiError(ctx.getNode(), { userErrors: errors } as unknown as JsonObject, {
    message: `Shopify refused to ${what}: ${detail}`,
  });
}

/** The id of the subscription of this topic delivering to `uri`, or null. */
export async function findSubscription(ctx: IHookFunctions, topic: string, uri: string): Promise<string | null> {
  const shopify = await client(ctx);
  const { data } = await shopify.query<{ webhookSubscriptions: { nodes: { id: string; uri: string }[] } }>(
    'query IonfluxWebhookSubscriptions($topics: [WebhookSubscriptionTopic!], $uri: String) { webhookSubscriptions(first: 50, topics: $topics, uri: $uri) { nodes { id uri } } }',
    { topics: [graphqlTopic(topic)], uri },
  );
  return data.webhookSubscriptions.nodes.find((s) => s.uri === uri)?.id ?? null;
}

export async function createSubscription(ctx: IHookFunctions, topic: string, uri: string): Promise<string> {
  const shopify = await client(ctx);
  const { data } = await shopify.query<{
    webhookSubscriptionCreate: { webhookSubscription: { id: string } | null; userErrors: UserError[] };
  }>(
    `mutation IonfluxWebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { id } userErrors { field message } }
    }`,
    { topic: graphqlTopic(topic), webhookSubscription: { uri, format: 'JSON' } },
  );
  const result = data.webhookSubscriptionCreate;
  if (result.userErrors.length > 0 || !result.webhookSubscription)
    throw userErrorFailure(ctx, `subscribe ${uri} to ${topic}`, result.userErrors);
  return result.webhookSubscription.id;
}

/** Deletes a subscription; one that no longer exists counts as deleted. */
export async function deleteSubscription(ctx: IHookFunctions, id: string): Promise<void> {
  const shopify = await client(ctx);
  const { data } = await shopify.query<{
    webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string | null; userErrors: UserError[] };
  }>(
    'mutation IonfluxWebhookSubscriptionDelete($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }',
    { id },
  );
  const result = data.webhookSubscriptionDelete;
  if (result.userErrors.length > 0 && !result.userErrors.every((e) => /does not exist|not found/i.test(e.message))) {
    throw userErrorFailure(ctx, `delete the webhook subscription ${id}`, result.userErrors);
  }
}
