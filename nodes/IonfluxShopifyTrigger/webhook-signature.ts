import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs a webhook with the base64 HMAC-SHA256 of the raw body, keyed with the app's client secret
 * (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook).
 */
export function shopifyWebhookSignature(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Constant-time check of `X-Shopify-Hmac-Sha256`; false for a missing or malformed header. */
export function isValidShopifyWebhook(rawBody: Buffer | string, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(shopifyWebhookSignature(rawBody, secret), 'base64');
  const given = Buffer.from(header.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
