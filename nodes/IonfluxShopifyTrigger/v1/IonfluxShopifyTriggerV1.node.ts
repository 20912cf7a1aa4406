import { NodeConnectionTypes } from 'n8n-workflow';
import type {
  IDataObject,
  IHookFunctions,
  INodeType,
  INodeTypeBaseDescription,
  INodeTypeDescription,
  IWebhookFunctions,
  IWebhookResponseData,
} from 'n8n-workflow';
import { authenticationProperty, shopifyCredentials } from '../../IonfluxShopify/authentication';
import { shopifyConnection } from '../../IonfluxShopify/transport';
import { createSubscription, deleteSubscription, findSubscription, ORDER_TOPICS } from '../subscriptions';
import { isValidShopifyWebhook } from '../webhook-signature';

export const TOPIC_NAMES: Record<(typeof ORDER_TOPICS)[number], string> = {
  'orders/create': 'Order Created',
  'orders/updated': 'Order Updated',
  'orders/paid': 'Order Paid',
  'orders/cancelled': 'Order Cancelled',
  'orders/fulfilled': 'Order Fulfilled',
};

/** Minimal response writing that works on express's Response and on a bare ServerResponse. */
function reply(
  res: { statusCode: number; setHeader(name: string, value: string): unknown; end(body?: string): unknown },
  status: number,
  body: IDataObject,
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export class IonfluxShopifyTriggerV1 implements INodeType {
  description: INodeTypeDescription;

  constructor(baseDescription: INodeTypeBaseDescription) {
    this.description = {
      ...baseDescription,
      version: 1,
      defaults: { name: 'Shopify Trigger' },
      inputs: [],
      outputs: [NodeConnectionTypes.Main],
      credentials: shopifyCredentials,
      webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
      properties: [
        authenticationProperty,
        {
          displayName: 'Topic',
          name: 'topic',
          type: 'options',
          options: ORDER_TOPICS.map((value) => ({
            name: TOPIC_NAMES[value],
            value,
            description: `Shopify webhook topic ${value}`,
          })),
          default: 'orders/create',
          required: true,
          description: 'The order event that starts the workflow',
        },
      ],
    };
  }

  webhookMethods = {
    default: {
      async checkExists(this: IHookFunctions): Promise<boolean> {
        const url = this.getNodeWebhookUrl('default')!;
        const topic = this.getNodeParameter('topic') as string;
        const id = await findSubscription(this, topic, url);
        const staticData = this.getWorkflowStaticData('node');
        if (id) staticData.webhookSubscriptionId = id;
        return id !== null;
      },
      async create(this: IHookFunctions): Promise<boolean> {
        const url = this.getNodeWebhookUrl('default')!;
        const topic = this.getNodeParameter('topic') as string;
        const id = await createSubscription(this, topic, url);
        this.getWorkflowStaticData('node').webhookSubscriptionId = id;
        return true;
      },
      async delete(this: IHookFunctions): Promise<boolean> {
        const staticData = this.getWorkflowStaticData('node');
        const id = staticData.webhookSubscriptionId as string | undefined;
        if (id) await deleteSubscription(this, id);
        delete staticData.webhookSubscriptionId;
        return true;
      },
    },
  };

  /**
   * Verifies `X-Shopify-Hmac-Sha256` over the raw body with the app secret (401 when it does not match, nothing
   * runs) and emits `{ topic, shop, order }` with the order exactly as Shopify sent it.
   */
  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const req = this.getRequestObject() as unknown as {
      headers: Record<string, string | string[] | undefined>;
      rawBody?: Buffer;
      body?: unknown;
    };
    const res = this.getResponseObject() as unknown as Parameters<typeof reply>[0];
    const connection = await shopifyConnection(this);
    if (!connection.appSecret) {
      // Without the secret no request can be told apart from a forgery: refuse every one, saying why.
      this.logger.warn(
        'IONFLUX Shopify Trigger: the credential has no app secret; webhooks are refused until it is set.',
      );
      reply(res, 401, {
        error: 'The Shopify credential has no app secret, so the webhook signature cannot be verified.',
      });
      return { noWebhookResponse: true };
    }
    const rawBody = req.rawBody ?? (typeof req.body === 'string' ? Buffer.from(req.body) : undefined);
    if (
      !rawBody ||
      !isValidShopifyWebhook(rawBody, header(req.headers, 'x-shopify-hmac-sha256'), connection.appSecret)
    ) {
      reply(res, 401, { error: 'Invalid webhook signature (X-Shopify-Hmac-Sha256).' });
      return { noWebhookResponse: true };
    }
    const topic = header(req.headers, 'x-shopify-topic') ?? '';
    const expected = this.getNodeParameter('topic') as string;
    if (topic !== expected) {
      // Signed by Shopify but for another subscription of this address: acknowledge it so Shopify does not retry.
      reply(res, 200, { ignored: true, reason: `topic ${topic || '(none)'} is not ${expected}` });
      return { noWebhookResponse: true };
    }
    let order: unknown;
    try {
      order = JSON.parse(rawBody.toString('utf8'));
    } catch {
      reply(res, 400, { error: 'The webhook body is not JSON.' });
      return { noWebhookResponse: true };
    }
    const shop = header(req.headers, 'x-shopify-shop-domain') ?? connection.shopDomain;
    // Answered here with a small JSON acknowledgement: for an `onReceived` webhook with no `responseData`, n8n
    // would answer the literal text 'firstEntryJson'. n8n still starts the run with workflowData.
    reply(res, 200, { received: true, topic });
    return {
      noWebhookResponse: true,
      workflowData: [this.helpers.returnJsonArray([{ topic, shop, order: order as IDataObject }])],
    };
  }
}
