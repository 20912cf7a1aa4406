/** What `GET /sandbox` lists: each emulated endpoint, the real API it mirrors, and that API's documentation. */
export interface EndpointEntry {
  service: 'shopify' | 'tiktok' | 'openai' | 'sandbox';
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  description: string;
  mirrors: string;
  docs: string;
}

export const ENDPOINT_CATALOG: readonly EndpointEntry[] = [
  // Shopify
  {
    service: 'shopify',
    method: 'POST',
    path: '/sandbox/shopify/admin/api/2025-10/graphql.json',
    description:
      'GraphQL Admin API subset: shop, orders/order/ordersCount, products/product/productsCount, productVariants, customers/customer/customersCount, node(s), webhookSubscriptions, shopifyqlQuery (read_reports), currentBulkOperation; mutations webhookSubscriptionCreate/Delete, bulkOperationRunQuery (runs in the background; bulk_operations/finish webhook). Search syntax in `query`, cursor pagination, calculated query cost with a 2000-point leaky bucket (restore 100/s) per access token. Header X-Shopify-Access-Token.',
    mirrors: 'POST https://{shop}.myshopify.com/admin/api/2025-10/graphql.json',
    docs: 'https://shopify.dev/docs/api/admin-graphql/2025-10',
  },
  {
    service: 'shopify',
    method: 'GET',
    path: '/sandbox/shopify/bulk-operations/:id/:token.jsonl',
    description:
      "A finished bulk query's JSONL (the operation's `url`; no credentials, like Shopify's signed links): one object per line, nested connection objects after their parent with __parentId.",
    mirrors: 'GET https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/... (BulkOperation.url)',
    docs: 'https://shopify.dev/docs/api/usage/bulk-operations/queries',
  },
  {
    service: 'shopify',
    method: 'GET',
    path: '/sandbox/shopify/admin/oauth/authorize',
    description:
      "Authorization code grant step 1; the sandbox consent screen approves immediately and redirects with code, hmac, host, shop, state, timestamp, only to one of the app's allowed redirection URLs (400 otherwise).",
    mirrors: 'GET https://{shop}.myshopify.com/admin/oauth/authorize',
    docs: 'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant',
  },
  {
    service: 'shopify',
    method: 'POST',
    path: '/sandbox/shopify/admin/oauth/access_token',
    description:
      'Authorization code grant step 2 (JSON or form: client_id, client_secret, code); also grant_type=client_credentials.',
    mirrors: 'POST https://{shop}.myshopify.com/admin/oauth/access_token',
    docs: 'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant',
  },
  {
    service: 'shopify',
    method: 'POST',
    path: '/sandbox/shopify/webhooks/deliver',
    description:
      'Sandbox control (server admin when mounted in IONFLUX): sign (X-Shopify-Hmac-Sha256) and POST an orders/* webhook in the REST payload shape to the callback URL of a subscription made with webhookSubscriptionCreate. Body { topic, address, orderId? | order? }. Reports the status code, never the reply body.',
    mirrors: 'Shopify webhook delivery (HTTPS)',
    docs: 'https://shopify.dev/docs/apps/build/webhooks/subscribe/https',
  },
  {
    service: 'shopify',
    method: 'POST',
    path: '/sandbox/shopify/control/orders',
    description:
      'Sandbox control (server admin when mounted in IONFLUX): create an order (body { total: "150.00" } or { lineItems: [{ variantId, quantity }] }, optional email, customerId, financialStatus) and deliver orders/create (and orders/paid) to subscriptions made with webhookSubscriptionCreate.',
    mirrors: 'An order placed on the storefront',
    docs: 'https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/create',
  },
  // TikTok
  {
    service: 'tiktok',
    method: 'GET',
    path: '/sandbox/tiktok/v2/auth/authorize/',
    description:
      'Login Kit authorization (auto-approved); redirects with code, scopes, state, only to a redirect URI registered for the app (400 otherwise). PKCE code_challenge optional.',
    mirrors: 'GET https://www.tiktok.com/v2/auth/authorize/',
    docs: 'https://developers.tiktok.com/doc/login-kit-web',
  },
  {
    service: 'tiktok',
    method: 'POST',
    path: '/sandbox/tiktok/v2/oauth/token/',
    description:
      'Token endpoint (form-encoded): grant_type authorization_code, refresh_token (rotating) or client_credentials (Research API client token).',
    mirrors: 'POST https://open.tiktokapis.com/v2/oauth/token/',
    docs: 'https://developers.tiktok.com/doc/oauth-user-access-token-management',
  },
  {
    service: 'tiktok',
    method: 'POST',
    path: '/sandbox/tiktok/v2/oauth/revoke/',
    description: 'Revokes an access token.',
    mirrors: 'POST https://open.tiktokapis.com/v2/oauth/revoke/',
    docs: 'https://developers.tiktok.com/doc/oauth-user-access-token-management',
  },
  {
    service: 'tiktok',
    method: 'GET',
    path: '/sandbox/tiktok/v2/user/info/',
    description: "Display API: the authorized user's profile (the sandbox brand account @ionflux.demo). ?fields=...",
    mirrors: 'GET https://open.tiktokapis.com/v2/user/info/',
    docs: 'https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info',
  },
  {
    service: 'tiktok',
    method: 'POST',
    path: '/sandbox/tiktok/v2/video/list/',
    description: "Display API: the authorized user's videos, newest first (cursor, max_count).",
    mirrors: 'POST https://open.tiktokapis.com/v2/video/list/',
    docs: 'https://developers.tiktok.com/doc/tiktok-api-v2-video-list',
  },
  {
    service: 'tiktok',
    method: 'POST',
    path: '/sandbox/tiktok/v2/video/query/',
    description: "Display API: stats of the authorized user's videos by id (filters.video_ids).",
    mirrors: 'POST https://open.tiktokapis.com/v2/video/query/',
    docs: 'https://developers.tiktok.com/doc/tiktok-api-v2-video-query',
  },
  {
    service: 'tiktok',
    method: 'POST',
    path: '/sandbox/tiktok/v2/research/video/query/',
    description:
      'Research API: public videos by query (and/or/not conditions on hashtag_name, keyword, username, region_code, video_id, music_id, create_date, video_length), 30-day date range, cursor + search_id pagination. Video stats by ids: video_id IN [...]. Ids are int64 numbers in the JSON, as in the real API.',
    mirrors: 'POST https://open.tiktokapis.com/v2/research/video/query/',
    docs: 'https://developers.tiktok.com/doc/research-api-specs-query-videos',
  },
  {
    service: 'tiktok',
    method: 'POST',
    path: '/sandbox/tiktok/v2/research/user/info/',
    description: 'Research API: public profile of a creator by username.',
    mirrors: 'POST https://open.tiktokapis.com/v2/research/user/info/',
    docs: 'https://developers.tiktok.com/doc/research-api-specs-query-user-info',
  },
  {
    service: 'tiktok',
    method: 'POST',
    path: '/sandbox/tiktok/open_api/v1.3/tcm/creator/discover/',
    description:
      'Creator Marketplace creator discovery: filters country_code, min/max_followers, min/max_avg_views, engagement_rate band, creator_categories, query (keyword/niche); sort_field; page/page_size. Returns followers, engagement rate, average views, audience. Header Access-Token.',
    mirrors: 'POST https://business-api.tiktok.com/open_api/v1.3/tcm/creator/discover/',
    docs: 'https://business-api.tiktok.com/portal/docs?id=1738455508553729',
  },
  {
    service: 'tiktok',
    method: 'GET',
    path: '/sandbox/tiktok/open_api/v1.3/tto/tcm/creator/discover/',
    description:
      'TikTok One variant of creator discovery (query parameters tto_tcm_account_id, country_codes, keyword_search, ...).',
    mirrors: 'GET https://business-api.tiktok.com/open_api/v1.3/tto/tcm/creator/discover/',
    docs: 'https://business-api.tiktok.com/portal/docs',
  },
  {
    service: 'tiktok',
    method: 'GET',
    path: '/sandbox/tiktok/open_api/v1.3/tcm/creator/public/',
    description: "A creator's public account insights by handle_name (also /tto/tcm/creator/public/).",
    mirrors: 'GET https://business-api.tiktok.com/open_api/v1.3/tcm/creator/public/',
    docs: 'https://business-api.tiktok.com/portal/docs',
  },
  {
    service: 'tiktok',
    method: 'GET',
    path: '/sandbox/tiktok/open_api/v1.3/tcm/creator/public/video/list/',
    description: "A creator's recent public videos with views, likes, comments, shares, engagement rate.",
    mirrors: 'GET https://business-api.tiktok.com/open_api/v1.3/tcm/creator/public/video/list/',
    docs: 'https://business-api.tiktok.com/portal/docs',
  },
  {
    service: 'tiktok',
    method: 'GET',
    path: '/sandbox/tiktok/creative_radar_api/v1/popular_trend/hashtag/list',
    description:
      'Trending hashtags (page, limit, period 7|30|120, country_code, industry_id, sort_by popular|new). Sandbox extension: `keyword` filters hashtags by keyword/niche, because TikTok has no public API for hashtag trends by keyword; this mirrors the JSON the Creative Center page reads (no public contract).',
    mirrors: 'GET https://ads.tiktok.com/creative_radar_api/v1/popular_trend/hashtag/list (TikTok Creative Center)',
    docs: 'https://ads.tiktok.com/business/creativecenter/inspiration/popular/hashtag/pc/en',
  },
  {
    service: 'tiktok',
    method: 'GET',
    path: '/sandbox/tiktok/creative_radar_api/v1/popular_trend/sound/list',
    description:
      'Trending sounds (rank_type popular|surging|new, period, country_code, keyword extension); also served at .../song/list.',
    mirrors: 'GET https://ads.tiktok.com/creative_radar_api/v1/popular_trend/sound/list (TikTok Creative Center)',
    docs: 'https://ads.tiktok.com/business/creativecenter/inspiration/popular/music/pc/en',
  },
  // OpenAI
  {
    service: 'openai',
    method: 'GET',
    path: '/sandbox/openai/v1/models',
    description:
      'Lists ionflux-sandbox-1 (chat), ionflux-sandbox-embed-1 and text-embedding-3-small (hashing embeddings). None is a real LLM.',
    mirrors: 'GET https://api.openai.com/v1/models',
    docs: 'https://platform.openai.com/docs/api-reference/models/list',
  },
  {
    service: 'openai',
    method: 'POST',
    path: '/sandbox/openai/v1/chat/completions',
    description:
      'Deterministic offline model: extractive summaries, keyword/entity extraction, json_schema/json_object extraction that validates, classification among listed labels, tool calls, templated drafts; stream: true as SSE chat.completion.chunk events ending with [DONE]. Usage tokens approximated: ceil(len/4) per alphanumeric run + 1 per symbol, +3 per message +3 priming.',
    mirrors: 'POST https://api.openai.com/v1/chat/completions',
    docs: 'https://platform.openai.com/docs/api-reference/chat/create',
  },
  {
    service: 'openai',
    method: 'POST',
    path: '/sandbox/openai/v1/embeddings',
    description:
      'Feature-hashing embeddings of stems, bigrams and character trigrams, L2-normalised; dimensions default 1536 (text-embedding-3-small) or 256 (ionflux-sandbox-embed-1); encoding_format float or base64.',
    mirrors: 'POST https://api.openai.com/v1/embeddings',
    docs: 'https://platform.openai.com/docs/api-reference/embeddings/create',
  },
  // Sandbox control
  {
    service: 'sandbox',
    method: 'GET',
    path: '/sandbox',
    description: 'This listing, the seed, the clock and the sandbox credentials.',
    mirrors: '-',
    docs: '-',
  },
  {
    service: 'sandbox',
    method: 'POST',
    path: '/sandbox/control/faults',
    description:
      'Sandbox control (server admin when mounted in IONFLUX). Queue failures: { service: shopify|tiktok|openai|*, status: 429|500|502|503, count, retryAfter }. A single request can also ask for one with the header X-Sandbox-Fault: 429 (or "429; retry-after=3"). 429/503 carry Retry-After and the real service error body.',
    mirrors: '-',
    docs: '-',
  },
  {
    service: 'sandbox',
    method: 'GET',
    path: '/sandbox/control/faults',
    description: 'Sandbox control (server admin when mounted in IONFLUX): pending queued faults.',
    mirrors: '-',
    docs: '-',
  },
  {
    service: 'sandbox',
    method: 'DELETE',
    path: '/sandbox/control/faults',
    description: 'Sandbox control (server admin when mounted in IONFLUX): clears queued faults.',
    mirrors: '-',
    docs: '-',
  },
];
