import type { Request } from 'express';
import { z } from 'zod';
import type { UseCases } from '../../../domain/use-cases';
import { defineRoute, type RouteDefinition } from '../route';

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Shopify webhooks (orders, app/uninstalled, the privacy topics): signed by Shopify, stored, then processed. */
export function webhookRoutes(useCases: UseCases): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/webhooks/shopify',
      operationId: 'receiveShopifyWebhook',
      summary: 'Receive a Shopify webhook: verified, deduplicated and stored before the 200; processed afterwards',
      description:
        'Shopify calls this for the topics a connected store is subscribed to. `X-Shopify-Hmac-Sha256` must be the ' +
        'base64 HMAC-SHA256 of the raw body with the app secret (401 otherwise, checked in constant time before the ' +
        'body is parsed). An event already received (same `X-Shopify-Event-Id` for the shop) answers 200 and does ' +
        'nothing. Orders start one run of every enabled agent whose shopify.order trigger is bound to a Brand of ' +
        'that store and listens to that topic; `app/uninstalled` disconnects the store; `customers/data_request`, ' +
        '`customers/redact` and `shop/redact` are honoured for the data this server holds.',
      tags: ['connections'],
      policy: { kind: 'shopifyWebhook' },
      rawBody: {
        maxBytes: 2 * 1024 * 1024,
        schema: z.record(z.string(), z.unknown()).describe('The webhook payload (for orders: the REST Order resource)'),
        example: { id: 820982911946154500, name: '#1001', total_price: '150.00', currency: 'USD' },
      },
      response: {
        status: 200,
        description: 'Stored (or already received)',
        schema: z.object({ received: z.literal(true), duplicate: z.boolean() }),
      },
      errors: [400, 413],
      handler: async ({ req }) => {
        const result = await useCases.shopifyWebhooks.receive(req.body as Buffer, {
          hmac: header(req, 'x-shopify-hmac-sha256'),
          topic: header(req, 'x-shopify-topic'),
          shopDomain: header(req, 'x-shopify-shop-domain'),
          eventId: header(req, 'x-shopify-event-id'),
          webhookId: header(req, 'x-shopify-webhook-id'),
          apiVersion: header(req, 'x-shopify-api-version'),
          triggeredAt: header(req, 'x-shopify-triggered-at'),
        });
        return { received: true as const, duplicate: result.duplicate };
      },
    }),
  ];
}
