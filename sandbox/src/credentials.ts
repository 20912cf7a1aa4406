/**
 * Credentials the emulators accept out of the box. The IONFLUX node package binds a "sandbox connection" to these so
 * that workflows run end to end without real accounts. None of them is valid anywhere but the sandbox.
 */
export const SANDBOX_CREDENTIALS = {
  shopify: {
    shopDomain: 'ionflux-demo.myshopify.com',
    apiVersion: '2025-10',
    /** Admin API access token accepted by the GraphQL endpoint without going through OAuth. */
    accessToken: 'shpat_ionflux_sandbox_00000000000000000000',
    /** App credentials for the OAuth authorization code grant and webhook signing. */
    clientId: 'ionflux-sandbox-shopify-app',
    clientSecret: 'ionflux-sandbox-shopify-secret',
    scopes: [
      'read_orders',
      'read_all_orders',
      'read_products',
      'read_customers',
      'read_inventory',
      'read_reports',
      'write_webhooks',
    ],
    /**
     * The app's allowed redirection URLs: the authorize endpoint redirects to these only (exact match). n8n's OAuth
     * callback, plus a loopback callback for scripts and tests.
     */
    redirectUrls: [
      'http://localhost:5678/rest/oauth2-credential/callback',
      'http://127.0.0.1:5678/rest/oauth2-credential/callback',
      'http://127.0.0.1:5678/callback',
    ],
  },
  tiktok: {
    /** TikTok for Developers app (Login Kit / Display API / Research API). */
    clientKey: 'sbawionfluxsandbox0001',
    clientSecret: 'ionflux-sandbox-tiktok-secret',
    /** A user access token for the Display API (scopes user.info.basic,user.info.stats,video.list). */
    userAccessToken: 'act.ionflux-sandbox-user-0000000000000000',
    /** A client access token for the Research API (client_credentials grant). */
    clientAccessToken: 'clt.ionflux-sandbox-research-00000000000000',
    /** API for Business (Creator Marketplace, Creative Center trends) `Access-Token` header value. */
    businessAccessToken: 'ionflux-sandbox-business-token-0000000000000000',
    /** Creator Marketplace account id the tcm endpoints expect. */
    tcmAccountId: '7300000000000000001',
    /**
     * Redirect URIs registered in the app's Login Kit configuration: the authorize endpoint redirects to these only.
     * n8n's OAuth callback, plus loopback callbacks on any port (TikTok's desktop rule: `http://127.0.0.1:*`).
     */
    redirectUris: [
      'http://localhost:5678/rest/oauth2-credential/callback',
      'http://127.0.0.1:5678/rest/oauth2-credential/callback',
      'http://127.0.0.1:*/callback/',
      'http://127.0.0.1:*/tiktok/callback',
    ],
  },
  openai: {
    /** Any non-empty bearer key is accepted; this one is a readable default. */
    apiKey: 'sk-ionflux-sandbox',
    chatModel: 'ionflux-sandbox-1',
    embeddingModel: 'text-embedding-3-small',
  },
} as const;

export type SandboxCredentials = typeof SANDBOX_CREDENTIALS;

/**
 * The data of the node package's credentials (`ionfluxShopifyAccessTokenApi`, `ionfluxTikTokOAuth2Api`,
 * `ionfluxLlmApi`) that binds each connection to the emulators served under `<sandboxBaseUrl>/sandbox`. The one
 * definition the engine, the server and the tests share.
 *
 * @example sandboxConnectionData('http://127.0.0.1:4010').shopify.baseUrl // 'http://127.0.0.1:4010/sandbox/shopify'
 */
export function sandboxConnectionData(sandboxBaseUrl: string) {
  const base = sandboxBaseUrl.replace(/\/+$/, '');
  const { shopify, tiktok, openai } = SANDBOX_CREDENTIALS;
  return {
    shopify: {
      shopDomain: shopify.shopDomain,
      accessToken: shopify.accessToken,
      apiVersion: shopify.apiVersion,
      appSecret: shopify.clientSecret,
      baseUrl: `${base}/sandbox/shopify`,
    },
    tiktok: {
      clientKey: tiktok.clientKey,
      clientSecret: tiktok.clientSecret,
      accessToken: tiktok.userAccessToken,
      refreshToken: '',
      businessAccessToken: tiktok.businessAccessToken,
      tcmAccountId: tiktok.tcmAccountId,
      advertiserId: '',
      baseUrl: `${base}/sandbox/tiktok`,
    },
    llm: {
      baseUrl: `${base}/sandbox/openai/v1`,
      apiKey: openai.apiKey,
      model: openai.chatModel,
      embeddingModel: openai.embeddingModel,
    },
  };
}
