/**
 * @ionflux/sandbox: loopback emulators of the Shopify Admin API, TikTok APIs and an OpenAI-compatible offline model,
 * serving deterministic data generated from a seed.
 *
 * @example
 * import { createSandboxRouter, SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
 * app.use('/sandbox', createSandboxRouter({ seed: 42 }));
 */
export { createSandbox, createSandboxRouter, DEFAULT_SEED } from './router';
export type { SandboxHandle, SandboxOptions } from './router';
export { startSandboxServer } from './server';
export type { SandboxServer, SandboxServerOptions } from './server';
export { SANDBOX_CREDENTIALS, sandboxConnectionData } from './credentials';
export type { SandboxCredentials } from './credentials';
export { ENDPOINT_CATALOG } from './catalog';
export type { EndpointEntry } from './catalog';

export { generateStore, ShopifyStore, STORE_EPOCH_DAY, HISTORY_DAYS, expectedOrders } from './shopify/store';
export type {
  Address,
  CreateOrderInput,
  CustomerStats,
  FinancialStatus,
  FulfillmentStatus,
  ShopInfo,
  StoreCustomer,
  StoreLineItem,
  StoreOrder,
  StoreProduct,
  StoreVariant,
} from './shopify/store';
export { signShopifyWebhook, verifyShopifyWebhook, toShopifyOrderWebhook, isLoopbackUrl } from './shopify/webhooks';
export type { ShopifyOrderWebhookPayload, DeliveryResult } from './shopify/webhooks';
export { signShopifyQuery, verifyShopifyQuery, shopifyHmacMessage } from './shopify/oauth';
export { SHOPIFY_API_VERSION } from './shopify/routes';
export { gid, parseGid } from './shopify/format';

export { generateTikTok, TikTokDataset } from './tiktok/dataset';
export type { TikTokCreator, TikTokHashtag, TikTokSound, TikTokVideo } from './tiktok/dataset';
export { DEFAULT_TIKTOK_RATE_LIMITS } from './tiktok/routes';
export type { TikTokRateLimits } from './tiktok/routes';

export { CHAT_MODEL_ID } from './openai/model';
export { MODELS as OPENAI_MODELS } from './openai/routes';
export { embed as sandboxEmbedding } from './openai/embeddings';
export { countTokens } from './openai/text';
